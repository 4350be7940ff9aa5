// postgresql.DefaultPrivileges → SQL, as the provider runs it: REVOKE ALL, then GRANT, for objects `owner` creates later.
import { escapeIdentifier } from "pg";
import { asOwners, namedOwner } from "./nonSuperuser";
import { inTransaction, type Difference, type PlanResource, type PlanStatement, type RenderContext } from "./plan";

export function defaultPrivilegesStatements(
  resource: PlanResource,
  context?: Pick<RenderContext, "nonSuperuser">,
): {
  statements: PlanStatement[];
  differences: Difference[];
} {
  const { inputs } = resource;
  const inSchema =
    typeof inputs.schema === "string" && inputs.schema !== "" ? ` IN SCHEMA ${escapeIdentifier(inputs.schema)}` : "";
  const prefix = `ALTER DEFAULT PRIVILEGES FOR ROLE ${escapeIdentifier(String(inputs.owner))}${inSchema}`;
  const objects = `${String(inputs.objectType).toUpperCase()}S`;
  const grantee = escapeIdentifier(String(inputs.role));
  const privileges = Array.isArray(inputs.privileges) ? inputs.privileges.map(String) : [];
  const sql = [`${prefix} REVOKE ALL ON ${objects} FROM ${grantee}`];
  if (privileges.length > 0)
    sql.push(
      `${prefix} GRANT ${privileges.join(",")} ON ${objects} TO ${grantee}${inputs.withGrantOption === true ? " WITH GRANT OPTION" : ""}`,
    );
  // ALTER DEFAULT PRIVILEGES FOR ROLE owner needs SET ROLE on it (the provider: withRolesGranted([owner])).
  if (context?.nonSuperuser)
    return {
      statements: asOwners(namedOwner(String(inputs.owner)), sql.map(inTransaction)),
      differences: ["non-superuser-admin"],
    };
  return { statements: sql.map(inTransaction), differences: [] };
}
