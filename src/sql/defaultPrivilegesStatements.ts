// postgresql.DefaultPrivileges → SQL, as the provider runs it: REVOKE ALL, then GRANT, for objects `owner` creates later.
import { escapeIdentifier } from "pg";
import { inTransaction, type Difference, type PlanResource, type PlanStatement } from "./plan";

export function defaultPrivilegesStatements(resource: PlanResource): {
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
  return { statements: sql.map(inTransaction), differences: [] };
}
