// postgresql.Role → SQL, as the provider's resourcePostgreSQLRoleCreate runs it (every attribute spelled out).
import { escapeIdentifier, escapeLiteral } from "pg";
import { ROLE_ATTRIBUTES, SUPERUSER_ONLY_ATTRIBUTES } from "../../policies/core/roleAttributes";
import { PROVIDER_SETTING_INPUTS } from "../../policies/core/roleSettingNames";
import { doBlock } from "./guards";
import { superuserOnlyCheck } from "./nonSuperuser";
import {
  inTransaction,
  nameOf,
  type Difference,
  type PlanResource,
  type PlanStatement,
  type RenderContext,
} from "./plan";

export function roleName(resource: PlanResource): string {
  return nameOf(resource);
}

/**
 * The role's options, as CREATE ROLE … WITH takes them and ALTER ROLE … WITH accepts them again; without the
 * attributes only a superuser may change (`except`), for a non-superuser admin's ALTER.
 */
function options(inputs: Record<string, unknown>, except: ReadonlySet<string> = new Set()): string {
  const validUntil =
    typeof inputs.validUntil === "string" && inputs.validUntil.toLowerCase() !== "infinity"
      ? inputs.validUntil
      : "infinity";
  const parts = [
    `VALID UNTIL ${escapeLiteral(validUntil)}`,
    `CONNECTION LIMIT ${Number(inputs.connectionLimit ?? -1)}`,
  ];
  for (const { input, keyword, fallback } of ROLE_ATTRIBUTES.filter(({ input }) => !except.has(input)))
    parts.push(`${(inputs[input] ?? fallback) === true ? "" : "NO"}${keyword}`);
  return parts.join(" ");
}

export function roleStatements(
  resource: PlanResource,
  context?: Pick<RenderContext, "nonSuperuser">,
): { statements: PlanStatement[]; differences: Difference[] } {
  const { inputs } = resource;
  const name = roleName(resource);
  const role = escapeIdentifier(name);
  const hasPassword = inputs.password !== undefined && inputs.password !== null && inputs.password !== "";
  const differences: Difference[] = ["role-guard"];
  if (hasPassword) differences.unshift("password");
  const create = `CREATE ROLE ${role} WITH ${hasPassword ? "PASSWORD NULL " : ""}${options(inputs)};`;
  // A non-superuser admin cannot re-set SUPERUSER, REPLICATION or BYPASSRLS (the provider's update never
  // does: it alters only what changed); on an existing role they are checked instead.
  const superuserOnly = new Set<string>(SUPERUSER_ONLY_ATTRIBUTES.map(({ input }) => input));
  const alter = context?.nonSuperuser
    ? `${superuserOnlyCheck(name)}\n  ALTER ROLE ${role} WITH ${options(inputs, superuserOnly)};`
    : `ALTER ROLE ${role} WITH ${options(inputs)};`;
  if (context?.nonSuperuser) differences.push("non-superuser-admin");
  const statements = [
    inTransaction(
      doBlock(
        `IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${escapeLiteral(name)}) THEN\n  ${create}\nELSE\n  ${alter}\nEND IF;`,
      ),
    ),
  ];
  const groups = Array.isArray(inputs.roles) ? inputs.roles.map(String) : [];
  if (groups.length > 0) differences.push("memberships");
  for (const group of groups) statements.push(inTransaction(`GRANT ${escapeIdentifier(group)} TO ${role}`));
  const searchPath =
    Array.isArray(inputs.searchPaths) && inputs.searchPaths.length > 0
      ? inputs.searchPaths.map((path) => escapeIdentifier(String(path))).join(", ")
      : "DEFAULT";
  statements.push(inTransaction(`ALTER ROLE ${role} SET search_path TO ${searchPath}`));
  // The provider sets these on create only when non-zero (0 means "no per-role value").
  for (const [setting, input] of Object.entries(PROVIDER_SETTING_INPUTS)) {
    const value = Number(inputs[input] ?? 0);
    if (value > 0) statements.push(inTransaction(`ALTER ROLE ${role} SET ${setting} TO ${value}`));
  }
  if (typeof inputs.assumeRole === "string" && inputs.assumeRole !== "") {
    statements.push(inTransaction(`ALTER ROLE ${role} SET ROLE TO ${escapeIdentifier(inputs.assumeRole)}`));
  }
  return { statements, differences };
}
