// The one writer of pgbouncer.ini text: sections of `key = value` lines that no name or value can end early.
import { neutralised } from "../controlCharacters";

/** A value or name PgBouncer would read differently from what fleetdb meant. */
export class PgbouncerIniError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PgbouncerIniError";
  }
}

/** One `[section]` and its lines, in order. */
export interface IniSection {
  name: "databases" | "users" | "pgbouncer";
  entries: readonly (readonly [key: string, value: IniValue])[];
}

/** A plain setting, or a libpq-style list of `key=value` pairs ([databases] and [users] lines). */
export type IniValue = string | number | readonly (readonly [string, string | number])[];

// Keys: what PgBouncer's ini parser reads as one unquoted name (database aliases, user names, setting names).
const KEY = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$/;
// A line ends at a newline; `;` and `#` start comments; `=` splits key from value; quotes and backslashes
// are PgBouncer's own quoting; whitespace separates pairs in a connection string.
const SETTING_FORBIDDEN = /[\u0000-\u001f\u007f\u0085\u2028\u2029;#=\\"']/;
const PAIR_FORBIDDEN = /[\s;#=\\"']/;

function keyOf(key: string, where: string): string {
  if (!KEY.test(key))
    throw new PgbouncerIniError(
      `pgbouncer.ini ${where}: name "${neutralised(key)}" is not one PgBouncer reads as a name (letters, digits, _ . -, at most 63)`,
    );
  return key;
}

function settingValue(key: string, value: string | number): string {
  const text = String(value);
  if (SETTING_FORBIDDEN.test(text) || text !== text.trim())
    throw new PgbouncerIniError(
      `pgbouncer.ini ${key}: value "${neutralised(text)}" holds a newline, ; # = \\ a quote or edge spaces, which PgBouncer would misread`,
    );
  return text;
}

function pairValue(key: string, pair: string, value: string | number): string {
  const text = String(value);
  if (text === "" || PAIR_FORBIDDEN.test(text) || /[\u0000-\u001f\u007f\u0085\u2028\u2029]/.test(text))
    throw new PgbouncerIniError(
      `pgbouncer.ini ${key}: ${pair} "${neutralised(text)}" is empty or holds whitespace, ; # = \\ or a quote, which would change the line's shape`,
    );
  return `${keyOf(pair, key)}=${text}`;
}

function line(section: string, key: string, value: IniValue): string {
  const name = keyOf(key, `[${section}]`);
  if (typeof value === "string" || typeof value === "number") {
    const text = value === "" ? "" : settingValue(name, value);
    return text === "" ? `${name} =` : `${name} = ${text}`;
  }
  return `${name} = ${value.map(([pair, pairText]) => pairValue(name, pair, pairText)).join(" ")}`;
}

/** The ini text: a header comment, then each section with its lines; every part checked, nothing quoted. */
export function writePgbouncerIni(header: string, sections: readonly IniSection[]): string {
  const comment = header
    .split("\n")
    .map((text) => `; ${neutralised(text)}`)
    .join("\n");
  const body = sections.map(
    (section) =>
      `[${section.name}]\n${section.entries.map(([key, value]) => `${line(section.name, key, value)}\n`).join("")}`,
  );
  return `${comment}\n\n${body.join("\n")}`;
}
