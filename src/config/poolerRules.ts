// The rules that tie fleetdb:pooler to the rest of the config: services, roles, caps, the pooler's own login.
import { poolerCap } from "../../policies/core/pooler";
import { identifierProblem } from "./identifiers";
import { ALTERNATING_SUFFIXES, roleLayout } from "../loginIdentities";
import type { Issue, StackShape } from "./schema";

export function poolerReferenceProblems(config: StackShape): Issue[] {
  const { pooler } = config;
  if (!pooler) return [];
  const issues: Issue[] = [];
  const report = (path: Issue["path"], message: string) => issues.push({ path: ["pooler", ...path], message });
  // Another server mode would put the server where this container cannot follow (docs/pooler.md).
  if (config.server.mode !== "embedded") {
    report(
      [],
      `the pooler runs only beside the container of server.mode embedded, got server.mode ${config.server.mode}: remove fleetdb:pooler, or run a pooler the platform offers`,
    );
    return issues;
  }

  const roleOfService = new Map<string, string>();
  for (const [roleName, role] of Object.entries(config.roles))
    if (role.login) for (const service of role.services) roleOfService.set(service, roleName);
  pooler.services.forEach((service, index) => {
    if (!config.services[service])
      report(["services", index], `service "${service}" is not declared under fleetdb:services`);
    else if (!roleOfService.has(service))
      report(["services", index], `service "${service}" is not listed by any login role's services`);
    else if (config.services[service].host !== undefined || config.services[service].port !== undefined)
      report(
        ["services", index],
        `service "${service}" sets services.${service}.host or .port, but a pooled service's DATABASE_URL points at the pooler: drop them, or take it off the pooler`,
      );
  });
  const pooledRoles = new Set(pooler.services.map((service) => roleOfService.get(service)).filter(Boolean));

  for (const roleName of Object.keys(pooler.roles)) {
    if (!pooledRoles.has(roleName))
      report(["roles", roleName], `role "${roleName}" has no service in pooler.services: list one, or drop the role`);
  }
  for (const roleName of pooledRoles) {
    const role = config.roles[roleName!];
    const directSlots = pooler.roles[roleName!]?.directSlots ?? 0;
    for (const login of roleLayout(roleName!, role, config.passwordRotation).logins) {
      const cap = poolerCap(login.connectionLimit, directSlots, pooler.margin);
      if (cap < 1)
        report(
          ["roles", roleName!, "directSlots"],
          `login ${login.name} has CONNECTION LIMIT ${login.connectionLimit}; ${directSlots} direct slots and a margin of ${pooler.margin} leave the pooler ${cap} connections: lower directSlots or raise connectionLimit`,
        );
    }
  }

  const loginName = pooler.login.name;
  const problem = identifierProblem(loginName);
  if (problem) report(["login", "name"], `invalid name ${JSON.stringify(loginName)}: ${problem}`);
  const taken = new Set([config.admin.username, ...(config.audit.auditor ? [config.audit.auditor.name] : [])]);
  for (const [roleName, role] of Object.entries(config.roles)) {
    taken.add(roleName);
    if (role.rotation === "alternating") for (const suffix of ALTERNATING_SUFFIXES) taken.add(`${roleName}${suffix}`);
  }
  for (const consumer of Object.values(config.budget.unmanaged)) if (consumer.role) taken.add(consumer.role);
  if (taken.has(loginName))
    report(["login", "name"], `"${loginName}" is already a login of this stack or its server: name the pooler's own`);
  if (pooler.login.connectionLimit - pooler.margin < 1)
    report(
      ["login", "connectionLimit"],
      `${pooler.login.connectionLimit} minus a margin of ${pooler.margin} leaves the password lookup no connection`,
    );
  return issues;
}
