// The SECURITY DEFINER function PgBouncer's auth_query calls: a pooled login's SCRAM verifier, nobody else's.
import { escapeLiteral } from "pg";

/** Where it lives in every pooled database, and how it is declared (postgresql.Function's inputs). */
export const POOLER_LOOKUP = {
  schema: "fleetdb_pooler",
  name: "user_lookup",
  args: [
    { name: "i_username", type: "text" },
    { name: "usename", type: "name", mode: "OUT" },
    { name: "passwd", type: "text", mode: "OUT" },
  ],
  returns: "SETOF record",
  language: "sql",
  volatility: "STABLE",
} as const;

/**
 * The body. The provider cannot attach `SET search_path`, so every name and operator is schema-qualified:
 * a caller's search_path cannot redirect it. Only the listed logins are answered (never a superuser), and an
 * expired password (VALID UNTIL) answers NULL, which PgBouncer refuses (CVE-2025-2291).
 */
export function lookupBody(logins: readonly string[]): string {
  const allowed = logins.map((login) => escapeLiteral(login)).join(", ");
  return [
    "SELECT r.rolname,",
    "       CASE WHEN r.rolvaliduntil OPERATOR(pg_catalog.<) pg_catalog.now() THEN NULL ELSE r.rolpassword END",
    "  FROM pg_catalog.pg_authid AS r",
    " WHERE r.rolname OPERATOR(pg_catalog.=) i_username",
    "   AND r.rolcanlogin AND NOT r.rolsuper",
    `   AND r.rolname OPERATOR(pg_catalog.=) ANY (ARRAY[${allowed}]::pg_catalog.name[])`,
  ].join("\n");
}
