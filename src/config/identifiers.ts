// Which names fleetdb accepts for roles, databases, schemas, services and consumers, and why not others.

/** A plain lower-case PostgreSQL name: never needs quoting, fits NAMEDATALEN (63 bytes). */
export const IDENTIFIER_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/** Names PostgreSQL or the Timescale image already use, or that mean something else in SQL. */
const RESERVED_NAMES = new Set([
  "postgres",
  "public",
  "template0",
  "template1",
  "information_schema",
  "none",
  "current_user",
  "session_user",
  "current_role",
  "user",
  "timescaledb_information",
  "timescaledb_experimental",
]);

/** SQL keywords PostgreSQL reserves (pg_get_keywords() catcode 'R'): usable only quoted. */
const RESERVED_KEYWORDS = new Set([
  "all",
  "analyse",
  "analyze",
  "and",
  "any",
  "array",
  "as",
  "asc",
  "asymmetric",
  "both",
  "case",
  "cast",
  "check",
  "collate",
  "column",
  "constraint",
  "create",
  "current_catalog",
  "current_date",
  "current_time",
  "current_timestamp",
  "default",
  "deferrable",
  "desc",
  "distinct",
  "do",
  "else",
  "end",
  "except",
  "false",
  "fetch",
  "for",
  "foreign",
  "from",
  "grant",
  "group",
  "having",
  "in",
  "initially",
  "intersect",
  "into",
  "lateral",
  "leading",
  "limit",
  "localtime",
  "localtimestamp",
  "not",
  "null",
  "offset",
  "on",
  "only",
  "or",
  "order",
  "placing",
  "primary",
  "references",
  "returning",
  "select",
  "some",
  "symmetric",
  "system_user",
  "table",
  "then",
  "to",
  "trailing",
  "true",
  "union",
  "unique",
  "using",
  "variadic",
  "when",
  "where",
  "window",
  "with",
]);

/** Why `name` is not an acceptable identifier, or undefined when it is. */
export function identifierProblem(name: string): string | undefined {
  if (!IDENTIFIER_PATTERN.test(name)) {
    return "expected a plain lower-case PostgreSQL name: ^[a-z_][a-z0-9_]{0,62}$";
  }
  if (name.startsWith("pg_")) return "names starting with pg_ are reserved for PostgreSQL";
  if (name.startsWith("_timescaledb")) return "names starting with _timescaledb are reserved for TimescaleDB";
  if (RESERVED_NAMES.has(name)) return `"${name}" is reserved`;
  if (RESERVED_KEYWORDS.has(name)) return `"${name}" is a reserved SQL keyword`;
  return undefined;
}
