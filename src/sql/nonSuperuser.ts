// What the plan does differently when the admin is not a superuser (the provider's superuser: false, mode
// external), following the provider's own non-superuser path: withRolesGranted (postgresql/helpers.go) grants
// the admin each owner role before a statement that needs the owner's powers and revokes it after, in the same
// transaction. Where PostgreSQL only warns (a non-owner's GRANT or REVOKE on a database), the plan checks the
// outcome and fails instead.
import { escapeLiteral } from "pg";
import { SUPERUSER_ONLY_ATTRIBUTES } from "../../policies/core/roleAttributes";
import { doBlock } from "./guards";
import { inTransaction, type PlanStatement } from "./plan";

/** The transaction-local setting that remembers which owners the plan granted the admin, to revoke them after. */
const GRANTED = "fleetdb.granted_owners";

/** SQL selecting the oids of a schema's owner and of every relation's owner in it (getRolesToGrant, grant.go). */
export function schemaOwners(schema: string): string {
  const literal = escapeLiteral(schema);
  return (
    `SELECT nspowner FROM pg_catalog.pg_namespace WHERE nspname = ${literal} UNION ` +
    `SELECT c.relowner FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ${literal}`
  );
}

/** SQL selecting one named role's oid (a schema's or default privileges' owner, given by the resource). */
export function namedOwner(role: string): string {
  return `SELECT oid FROM pg_catalog.pg_roles WHERE rolname = ${escapeLiteral(role)}`;
}

/**
 * `statements` run as withRolesGranted runs them: first every owner (from `ownersSql`, a query of role oids)
 * the admin cannot yet SET ROLE to and inherit from is granted to it WITH INHERIT TRUE, SET TRUE (PostgreSQL 16
 * counts a membership only with those options; the admin holds ADMIN on the roles it created), then the
 * statements, then the owners granted here are revoked. A superuser owner fails the step: the provider skips
 * it with a warning, and the statement would then only warn too.
 */
export function asOwners(ownersSql: string, statements: PlanStatement[]): PlanStatement[] {
  const grant = doBlock(
    [
      `FOR owner IN SELECT r.rolname, r.rolsuper FROM pg_catalog.pg_roles r WHERE r.oid IN (${ownersSql}) LOOP`,
      "  CONTINUE WHEN owner.rolname = CURRENT_USER",
      "    OR (pg_catalog.pg_has_role(CURRENT_USER, owner.rolname, 'USAGE') AND pg_catalog.pg_has_role(CURRENT_USER, owner.rolname, 'SET'));",
      "  IF owner.rolsuper THEN",
      "    RAISE EXCEPTION 'owner % is a superuser: the admin % (not a superuser) cannot act as it', owner.rolname, CURRENT_USER;",
      "  END IF;",
      "  EXECUTE format('GRANT %I TO CURRENT_USER WITH INHERIT TRUE, SET TRUE', owner.rolname);",
      "  granted := granted || owner.rolname::text;",
      "END LOOP;",
      `PERFORM pg_catalog.set_config(${escapeLiteral(GRANTED)}, granted::text, true);`,
    ].join("\n"),
    ["owner record;", "granted text[] := '{}';"],
  );
  const revoke = doBlock(
    [
      `FOREACH owner IN ARRAY coalesce(nullif(current_setting(${escapeLiteral(GRANTED)}, true), ''), '{}')::text[] LOOP`,
      "  EXECUTE format('REVOKE %I FROM CURRENT_USER', owner);",
      "END LOOP;",
      `PERFORM pg_catalog.set_config(${escapeLiteral(GRANTED)}, '', true);`,
    ].join("\n"),
    ["owner text;"],
  );
  return [inTransaction(grant), ...statements, inTransaction(revoke)];
}

/**
 * An existing role keeps the attributes only a superuser may change: the admin cannot re-set them (ALTER ROLE
 * … NOSUPERUSER fails for it), so the plan checks them and fails when one is on.
 */
export function superuserOnlyCheck(role: string): string {
  const on = SUPERUSER_ONLY_ATTRIBUTES.map(({ column }) => column).join(" OR ");
  const names = SUPERUSER_ONLY_ATTRIBUTES.map(({ keyword }) => keyword).join(", ");
  return (
    `IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${escapeLiteral(role)} AND (${on})) THEN\n` +
    `    RAISE EXCEPTION ${escapeLiteral(`role ${role} has ${names} on, which only a superuser may change: the admin cannot make it least-privilege (docs/external-mode.md)`)};\n` +
    "  END IF;"
  );
}

/**
 * After a database-level GRANT or the PUBLIC revoke: a non-owner's statement only warns ("no privileges were
 * granted" / "no privileges could be revoked"), so the outcome is checked and a miss fails the step.
 */
export function databaseOutcomeCheck(
  database: string,
  role: string,
  privileges: string[],
  guardMissingRole: boolean,
): PlanStatement {
  const db = escapeLiteral(database);
  const who = escapeLiteral(role);
  const owner = `(SELECT pg_catalog.pg_get_userbyid(datdba) FROM pg_catalog.pg_database WHERE datname = ${db})`;
  const has = (grantee: string, privilege: string) =>
    `pg_catalog.has_database_privilege(${grantee}, ${db}, ${escapeLiteral(privilege)})`;
  const check =
    privileges.length === 0
      ? `IF ${["CONNECT", "TEMPORARY", "CREATE"].map((privilege) => has("'public'", privilege)).join(" OR ")} THEN\n` +
        `  RAISE EXCEPTION 'PUBLIC still has privileges on database %: REVOKE … FROM PUBLIC revoked nothing, because the admin % does not own it (owner %); its owner must revoke them (docs/external-mode.md)', ${db}, CURRENT_USER, ${owner};\n` +
        "END IF;"
      : `IF NOT (${privileges.map((privilege) => has(who, privilege)).join(" AND ")}) THEN\n` +
        `  RAISE EXCEPTION 'role % lacks ${privileges.join(", ")} on database %: the GRANT granted nothing, because the admin % does not own it (owner %)', ${who}, ${db}, CURRENT_USER, ${owner};\n` +
        "END IF;";
  const body = guardMissingRole
    ? `IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${who}) THEN\n${check
        .split("\n")
        .map((line) => `  ${line}`)
        .join("\n")}\nEND IF;`
    : check;
  return inTransaction(doBlock(body));
}
