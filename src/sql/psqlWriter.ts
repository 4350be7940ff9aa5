// The one writer of psql scripts: no value can end a comment, a meta-command or its arguments early.
//
// psql reads a script line by line: a newline ends a comment or a meta-command, and a line that starts
// with a backslash is a meta-command (`\!` runs a shell command). Unquoted meta-command arguments expand
// backticks (shell) and `:variables`. So comments show control characters as escapes, meta-command
// arguments are single-quoted (inside quotes psql expands neither), and a value with a control
// character never reaches a meta-command at all.
import { CONTROL_CHARACTERS, neutralised } from "../controlCharacters";

export { neutralised };

/** A value that cannot be written into a psql script safely. */
export class PsqlTextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PsqlTextError";
  }
}

/** A meta-command argument as psql reads it back unchanged: single-quoted, `'` doubled, `\` escaped. */
export function metaArgument(value: string): string {
  const control = value.match(CONTROL_CHARACTERS);
  if (control) {
    throw new PsqlTextError(
      `refusing to write ${JSON.stringify(value)} into a psql meta-command: it holds a control character (${neutralised(control[0]!)})`,
    );
  }
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

/** Names psql would read as a connection string rather than a database name (`\connect` docs). */
function looksLikeConnectionString(database: string): boolean {
  return database.includes("=") || /^postgres(ql)?:\/\//i.test(database);
}

/** Builds a psql script line by line; `toString()` is the script. */
export class PsqlWriter {
  private readonly lines: string[] = [];

  /** `-- text`; a multi-line text becomes several comment lines, control characters shown as escapes. */
  comment(text: string): this {
    for (const line of text.split("\n")) this.lines.push(line === "" ? "--" : `-- ${neutralised(line)}`);
    return this;
  }

  blank(): this {
    this.lines.push("");
    return this;
  }

  /**
   * A SQL statement rendered by fleetdb (identifiers and literals already escaped). psql reads quoted
   * text across lines as part of the statement; a line of it that starts with a backslash outside
   * quotes would be a meta-command, so the writer refuses any line that starts with one.
   */
  sql(statement: string): this {
    for (const line of statement.split("\n")) {
      if (/^\s*\\/.test(line))
        throw new PsqlTextError(`refusing a SQL line that psql would read as a meta-command: ${neutralised(line)}`);
    }
    this.lines.push(statement);
    return this;
  }

  /** `\name 'arg' …`: `name` is fleetdb's own (a fixed word), each argument quoted. */
  meta(name: string, ...args: string[]): this {
    if (!/^[a-z!?]+$/i.test(name)) throw new PsqlTextError(`not a psql meta-command name: ${neutralised(name)}`);
    this.lines.push([`\\${name}`, ...args.map(metaArgument)].join(" "));
    return this;
  }

  /**
   * `\connect '"database"'` (user, host and port stay those of the current connection). psql strips
   * double quotes from this argument after unquoting it (it reads it like an identifier), so the name
   * is double-quoted inside the single quotes, `"` doubled.
   */
  connect(database: string): this {
    if (looksLikeConnectionString(database)) {
      throw new PsqlTextError(
        `refusing to \\connect to ${JSON.stringify(database)}: psql would read it as a connection string`,
      );
    }
    return this.meta("connect", `"${database.replace(/"/g, '""')}"`);
  }

  /** A line psql reads as a meta-command with SQL before it, e.g. `SELECT … AS v \gset`: both parts are fleetdb's own. */
  sqlWithMeta(statement: string, meta: "gset"): this {
    this.sql(statement);
    this.lines[this.lines.length - 1] = `${statement} \\${meta}`;
    return this;
  }

  /** `\if :variable` … `\endif` around what `body` writes; `variable` is fleetdb's own name. */
  conditional(variable: string, body: (writer: this) => void): this {
    if (!/^[A-Za-z0-9_]+$/.test(variable))
      throw new PsqlTextError(`not a psql variable name: ${neutralised(variable)}`);
    this.lines.push(`\\if :${variable}`);
    body(this);
    this.lines.push("\\endif");
    return this;
  }

  toString(): string {
    return `${this.lines.join("\n")}\n`;
  }
}
