// The kinds of value config keys take, each with a message that names the value and what is allowed.
import { z } from "zod";
import { parseDuration } from "./durations";
import { hostProblem } from "./hosts";
import { IDENTIFIER_PATTERN } from "./identifiers";

/** How a value is shown in a message: its YAML-ish text, and blanks called what they are. */
export function shown(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (value === "") return "an empty value";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return "a list";
  return "a mapping";
}

/** A zod error callback for type mismatches: "expected …, got …"; blank values are "is empty". */
export function expecting(what: string) {
  return (issue: { input?: unknown; code?: string }) =>
    issue.input === undefined
      ? `required: expected ${what}`
      : issue.input === "" || issue.input === null
        ? `is empty: expected ${what}`
        : issue.code === "invalid_type" || issue.code === "invalid_union"
          ? `expected ${what}, got ${shown(issue.input)}`
          : undefined;
}

/** An integer in [min, max], with one message for every way of missing it. */
export function integer(min: number, max: number, what = `an integer from ${min} to ${max}`) {
  return z.unknown().transform((value, ctx) => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      ctx.addIssue({
        code: "custom",
        message:
          value === "" || value === null ? `is empty: expected ${what}` : `expected ${what}, got ${shown(value)}`,
      });
      return z.NEVER;
    }
    return value;
  });
}

export const port = integer(1, 65535, "a port from 1 to 65535");
export const count = integer(0, 262_143, "an integer >= 0");

/** Text other programs may show (tables, messages): printable, one line, short. */
export const label = z
  .string({ error: expecting("text") })
  .refine((value) => /^[^\u0000-\u001f\u007f\u0085\u2028\u2029]{1,200}$/.test(value), {
    error: (issue) => `expected one line of printable text (1-200 characters), got ${shown(issue.input)}`,
  });

/** A key of a section (a role, database, service …): checked as a name by the references rules. */
export const name = z.string({ error: expecting("a name") });

/** A name the platform defines (postgres, defaultdb, tsdbadmin): the identifier characters, reserved names allowed. */
export const platformName = z.string({ error: expecting("a name") }).refine((value) => IDENTIFIER_PATTERN.test(value), {
  error: (issue) => `expected a plain lower-case PostgreSQL name (^[a-z_][a-z0-9_]{0,62}$), got ${shown(issue.input)}`,
});

/** A docker object name (container, volume, network, alias). */
export function dockerName(what: string) {
  return z
    .string({ error: expecting(`a docker ${what} name`) })
    .refine((value) => /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/.test(value), {
      error: (issue) => `expected a docker ${what} name ([a-zA-Z0-9][a-zA-Z0-9_.-]*), got ${shown(issue.input)}`,
    });
}

/** A host name, IPv4 address or bracketed IPv6 address: nothing that could change a URL's shape. */
export const host = z.string({ error: expecting("a host") }).superRefine((value, ctx) => {
  const problem = hostProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: `${problem}, got ${shown(value)}` });
});

/** A rotation marker: a plain word such as 2026-11-22 or 7; blank, null and JSON-looking values are refused. */
export const marker = z.string({ error: expecting("a marker such as 2026-11-22") }).superRefine((value, ctx) => {
  if (value.trim() === "" || value === "null") {
    ctx.addIssue({ code: "custom", message: "is empty: expected a marker such as 2026-11-22" });
  } else if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(value)) {
    ctx.addIssue({
      code: "custom",
      message: `expected a marker of letters, digits and . _ : - (at most 64), such as 2026-11-22, got ${shown(value)}`,
    });
  }
});

/** A timeout in config (ms as a number, or a string with a PostgreSQL unit), parsed to milliseconds. */
export const duration = z.unknown().transform((value, ctx) => {
  const parsed = parseDuration(value);
  if (!parsed.ok) {
    ctx.addIssue({
      code: "custom",
      message: `${value === "" || value === null ? "is empty: " : ""}${parsed.problem}; got ${shown(value)}`,
    });
    return z.NEVER;
  }
  return parsed.ms;
});

/** A list whose entries must differ (each entry becomes a resource: a duplicate would be a duplicate URN). */
export function uniqueList<T extends z.ZodType>(item: T, what: string) {
  return z.array(item, { error: expecting(`a list of ${what}`) }).superRefine((values, ctx) => {
    values.forEach((value, index) => {
      if (values.indexOf(value) !== index) {
        ctx.addIssue({
          code: "custom",
          path: [index],
          message: `${shown(value)} is listed twice: list each ${what.replace(/s$/, "")} once`,
        });
      }
    });
  });
}
