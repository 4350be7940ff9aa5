// postgresql.Role → SQL, as the provider's resourcePostgreSQLRoleCreate runs it (every attribute spelled out).
import { escapeIdentifier, escapeLiteral } from "pg";
import { ROLE_ATTRIBUTES } from "../../policies/core/roleAttributes";
import { doBlock } from "./guards";
import { statement, type Difference, type PlanResource, type PlanStatement } from "./plan";

export function roleName(resource: PlanResource): string {
  return String(resource.inputs.name ?? resource.name);
}

/** The role's options, as CREATE ROLE … WITH takes them and ALTER ROLE … WITH accepts them again. */
function options(inputs: Record<string, unknown>): string {
  const validUntil =
    typeof inputs.validUntil === "string" && inputs.validUntil.toLowerCase() !== "infinity"
      ? inputs.validUntil
      : "infinity";
  const parts = [
    `VALID UNTIL ${escapeLiteral(validUntil)}`,
    `CONNECTION LIMIT ${Number(inputs.connectionLimit ?? -1)}`,
  ];
  for (const { input, keyword, fallback } of ROLE_ATTRIBUTES)
    parts.push(`${(inputs[input] ?? fallback) === true ? "" : "NO"}${keyword}`);
  return parts.join(" ");
}

export function roleStatements(resource: PlanResource): { statements: PlanStatement[]; differences: Difference[] } {
  const { inputs } = resource;
  const name = roleName(resource);
  const role = escapeIdentifier(name);
  const hasPassword = inputs.password !== undefined && inputs.password !== null && inputs.password !== "";
  const differences: Difference[] = ["role-guard"];
  if (hasPassword) differences.unshift("password");
  const create = `CREATE ROLE ${role} WITH ${hasPassword ? "PASSWORD NULL " : ""}${options(inputs)};`;
  const alter = `ALTER ROLE ${role} WITH ${options(inputs)};`;
  const statements = [
    statement(
      doBlock(
        `IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${escapeLiteral(name)}) THEN\n  ${create}\nELSE\n  ${alter}\nEND IF;`,
      ),
    ),
  ];
  const groups = Array.isArray(inputs.roles) ? inputs.roles.map(String) : [];
  if (groups.length > 0) differences.push("memberships");
  for (const group of groups) statements.push(statement(`GRANT ${escapeIdentifier(group)} TO ${role}`));
  const searchPath =
    Array.isArray(inputs.searchPaths) && inputs.searchPaths.length > 0
      ? inputs.searchPaths.map((path) => escapeIdentifier(String(path))).join(", ")
      : "DEFAULT";
  statements.push(statement(`ALTER ROLE ${role} SET search_path TO ${searchPath}`));
  // The provider sets these on create only when non-zero (0 means "no per-role value").
  for (const [input, setting] of [
    ["statementTimeout", "statement_timeout"],
    ["idleInTransactionSessionTimeout", "idle_in_transaction_session_timeout"],
  ] as const) {
    const value = Number(inputs[input] ?? 0);
    if (value > 0) statements.push(statement(`ALTER ROLE ${role} SET ${setting} TO ${value}`));
  }
  if (typeof inputs.assumeRole === "string" && inputs.assumeRole !== "") {
    statements.push(statement(`ALTER ROLE ${role} SET ROLE TO ${escapeIdentifier(inputs.assumeRole)}`));
  }
  return { statements, differences };
}
