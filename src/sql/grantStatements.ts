// postgresql.Grant → SQL, as the provider's resourcePostgreSQLGrantCreateOrUpdate runs it: REVOKE first, then GRANT.
import { escapeIdentifier, escapeLiteral } from "pg";
import { PUBLIC_ROLE } from "../privilegeMatrix";
import { doBlock } from "./guards";
import { asOwners, databaseOutcomeCheck, schemaOwners } from "./nonSuperuser";
import { inTransaction, type Difference, type PlanResource, type PlanStatement, type RenderContext } from "./plan";

function target(inputs: Record<string, unknown>): string {
  const objectType = String(inputs.objectType);
  const schema = typeof inputs.schema === "string" ? escapeIdentifier(inputs.schema) : "";
  const objects = Array.isArray(inputs.objects) ? inputs.objects.map(String) : [];
  switch (objectType) {
    case "database":
      return `DATABASE ${escapeIdentifier(String(inputs.database))}`;
    case "schema":
      return `SCHEMA ${schema}`;
    case "foreign_data_wrapper":
      return `FOREIGN DATA WRAPPER ${escapeIdentifier(objects[0] ?? "")}`;
    case "foreign_server":
      return `FOREIGN SERVER ${escapeIdentifier(objects[0] ?? "")}`;
    default: {
      const keyword = objectType.toUpperCase();
      if (objects.length === 0) return `ALL ${keyword}S IN SCHEMA ${schema}`;
      return `${keyword} ${objects.map((object) => `${schema}.${escapeIdentifier(object)}`).join(",")}`;
    }
  }
}

export function grantStatements(
  resource: PlanResource,
  context: RenderContext,
): { statements: PlanStatement[]; differences: Difference[] } {
  const { inputs } = resource;
  const role = String(inputs.role);
  const grantee = escapeIdentifier(role);
  const privileges = Array.isArray(inputs.privileges) ? inputs.privileges.map(String) : [];
  const on = target(inputs);
  const objects = Array.isArray(inputs.objects) ? inputs.objects : [];
  // With listed objects the provider revokes only the privileges it grants; otherwise everything.
  const revokeWhat =
    objects.length > 0 && privileges.length > 0 && !["database", "schema"].includes(String(inputs.objectType))
      ? privileges.join(",")
      : "ALL PRIVILEGES";
  const sql = [`REVOKE ${revokeWhat} ON ${on} FROM ${grantee}`];
  if (privileges.length > 0)
    sql.push(
      `GRANT ${privileges.join(",")} ON ${on} TO ${grantee}${inputs.withGrantOption === true ? " WITH GRANT OPTION" : ""}`,
    );

  if (context.nonSuperuser) return nonSuperuserGrant(inputs, role, privileges, sql, context);
  if (role === PUBLIC_ROLE || context.plannedRoles.has(role))
    return { statements: sql.map(inTransaction), differences: [] };
  const guarded = doBlock(
    `IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${escapeLiteral(role)}) THEN\n${sql.map((line) => `  ${line};`).join("\n")}\n` +
      `ELSE\n  RAISE NOTICE ${escapeLiteral(`role ${role} does not exist on this server: its grant on ${on} is skipped`)};\nEND IF;`,
  );
  return { statements: [inTransaction(guarded)], differences: ["missing-grantee"] };
}

/**
 * The admin is not a superuser. Schema-level grants run as the schema's and its relations' owners
 * (getRolesToGrant, resource_postgresql_grant.go, through withRolesGranted); a database-level grant or PUBLIC
 * revoke is checked afterwards, since a non-owner's only warns. A grant to a role the plan does not create is
 * guarded as in the superuser plan.
 */
function nonSuperuserGrant(
  inputs: Record<string, unknown>,
  role: string,
  privileges: string[],
  sql: string[],
  context: RenderContext,
): { statements: PlanStatement[]; differences: Difference[] } {
  const planned = role === PUBLIC_ROLE || context.plannedRoles.has(role);
  const on = target(inputs);
  const statements = planned
    ? sql.map(inTransaction)
    : [
        inTransaction(
          doBlock(
            `IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${escapeLiteral(role)}) THEN\n${sql.map((line) => `  ${line};`).join("\n")}\n` +
              `ELSE\n  RAISE NOTICE ${escapeLiteral(`role ${role} does not exist on this server: its grant on ${on} is skipped`)};\nEND IF;`,
          ),
        ),
      ];
  const guarded: Difference[] = planned ? [] : ["missing-grantee"];
  if (String(inputs.objectType) === "database") {
    const database = String(inputs.database);
    const checked = databaseOutcomeCheck(database, role, privileges, !planned);
    return { statements: [...statements, checked], differences: [...guarded, "database-outcome"] };
  }
  const schema = typeof inputs.schema === "string" ? inputs.schema : "";
  return { statements: asOwners(schemaOwners(schema), statements), differences: [...guarded, "non-superuser-admin"] };
}
