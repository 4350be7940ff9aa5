// A stand-in for the project's one psql writer (src/sql/psqlWriter.ts, landing on main): the same API, so the swap is one import.
// TODO(psql-writer): import { PsqlWriter } from "../sql/psqlWriter" once it is on main, and delete this file.

const CONTROL = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/g;
const HAS_CONTROL = new RegExp(CONTROL.source);

/** `text` with every control character shown as an escape, so it stays on one line. */
export function neutralised(text: string): string {
  return text.replace(CONTROL, (character) => {
    const code = character.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

function metaArgument(value: string): string {
  if (HAS_CONTROL.test(value)) {
    throw new Error(
      `refusing to write ${JSON.stringify(value)} into a psql meta-command: it holds a control character`,
    );
  }
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

export class PsqlWriter {
  private readonly lines: string[] = [];

  comment(text: string): this {
    for (const line of text.split("\n")) this.lines.push(line === "" ? "--" : `-- ${neutralised(line)}`);
    return this;
  }

  blank(): this {
    this.lines.push("");
    return this;
  }

  sql(statement: string): this {
    for (const line of statement.split("\n")) {
      if (/^\s*\\/.test(line))
        throw new Error(`refusing a SQL line that psql would read as a meta-command: ${neutralised(line)}`);
    }
    this.lines.push(statement);
    return this;
  }

  meta(name: string, ...args: string[]): this {
    if (!/^[a-z!?]+$/i.test(name)) throw new Error(`not a psql meta-command name: ${neutralised(name)}`);
    this.lines.push([`\\${name}`, ...args.map(metaArgument)].join(" "));
    return this;
  }

  connect(database: string): this {
    if (database.includes("=") || /^postgres(ql)?:\/\//i.test(database))
      throw new Error(
        `refusing to \\connect to ${JSON.stringify(database)}: psql would read it as a connection string`,
      );
    return this.meta("connect", database);
  }

  toString(): string {
    return `${this.lines.join("\n")}\n`;
  }
}
