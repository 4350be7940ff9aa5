// The rules that relate one config value to another: names, owners, references, the deployer's own login.
import type { z } from "zod";
import { auditReferenceProblems } from "./sections/audit";
import { identifierProblem } from "./identifiers";
import { ALTERNATING_SUFFIXES } from "../loginIdentities";
import { modeProblems } from "./modeRules";
import { poolerReferenceProblems } from "./poolerRules";
import { checkGroupRole, checkLoginRole } from "./roleRules";
import type { Issue, StackShape } from "./schema";

export function checkReferences(config: StackShape, ctx: z.RefinementCtx): void {
  const issues: Issue[] = [];
  const report = (path: Issue["path"], message: string) => issues.push({ path, message });
  const names = (section: Issue["path"], keys: string[]) => {
    for (const key of keys) {
      const problem = identifierProblem(key);
      if (problem) report([...section, key], `invalid name ${JSON.stringify(key)}: ${problem}`);
    }
  };
  names(["databases"], Object.keys(config.databases));
  names(["roles"], Object.keys(config.roles));
  names(["services"], Object.keys(config.services));
  names(["budget", "unmanaged"], Object.keys(config.budget.unmanaged));

  for (const [dbName, db] of Object.entries(config.databases)) {
    db.schemas.forEach((schema, index) => {
      const problem = identifierProblem(schema);
      if (problem)
        report(["databases", dbName, "schemas", index], `invalid schema name ${JSON.stringify(schema)}: ${problem}`);
    });
    const owner = config.roles[db.owner];
    if (!owner) {
      report(
        ["databases", dbName, "owner"],
        `owner "${db.owner}" is not a declared role (declared: ${list(Object.keys(config.roles))})`,
      );
    } else if (owner.access !== "owner" || owner.database !== dbName) {
      report(
        ["databases", dbName, "owner"],
        `owner "${db.owner}" must be declared with access: owner and database: ${dbName}`,
      );
    }
  }

  const serviceOwners = new Map<string, string>();
  for (const [roleName, r] of Object.entries(config.roles)) {
    const at = (...path: Issue["path"]) => ["roles", roleName, ...path];
    if (!config.databases[r.database]) {
      report(
        at("database"),
        `database "${r.database}" is not declared (declared: ${list(Object.keys(config.databases))})`,
      );
    }
    if (r.access === "owner" && config.databases[r.database] && config.databases[r.database].owner !== roleName) {
      report(
        at("access"),
        `access: owner requires databases.${r.database}.owner to be "${roleName}" (it is "${config.databases[r.database].owner}")`,
      );
    }
    if (r.login) checkLoginRole(config, roleName, r, at, report, serviceOwners);
    else checkGroupRole(r, at, report);
  }
  for (const serviceName of Object.keys(config.services)) {
    if (!serviceOwners.has(serviceName))
      report(["services", serviceName], `service "${serviceName}" is not listed by any role's services`);
  }

  const consumerOfRole = new Map<string, string>();
  for (const [consumerName, consumer] of Object.entries(config.budget.unmanaged)) {
    const at = (...path: Issue["path"]) => ["budget", "unmanaged", consumerName, ...path];
    if (consumer.role !== undefined) {
      const problem = identifierProblem(consumer.role);
      const shared = consumerOfRole.get(consumer.role);
      if (problem) report(at("role"), `invalid role name ${JSON.stringify(consumer.role)}: ${problem}`);
      else if (config.roles[consumer.role])
        report(at("role"), `"${consumer.role}" is a role this stack manages; budget it under roles, not unmanaged`);
      else if (shared)
        report(
          at("role"),
          `role ${consumer.role} is already the role of unmanaged consumer ${shared}: budget one consumer per role (add up their slots)`,
        );
      consumerOfRole.set(consumer.role, consumerName);
    }
    consumer.databases.forEach((db, index) => {
      if (db !== "postgres" && !config.databases[db]) {
        report(
          at("databases", index),
          `database "${db}" is not declared (declared: ${list(["postgres", ...Object.keys(config.databases)])})`,
        );
      }
    });
    if (consumer.databases.length > 0 && consumer.role === undefined) {
      report(at("databases"), "databases are granted CONNECT through a role: set role, or drop databases");
    }
  }

  checkDeployerLogin(config, report);
  issues.push(...auditReferenceProblems(config));
  issues.push(...modeProblems(config));
  issues.push(...poolerReferenceProblems(config));
  for (const issue of issues) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
}

/** The deployer's own login is a superuser the stack never declares: declaring it would strip or lock it. */
function checkDeployerLogin(config: StackShape, report: (path: Issue["path"], message: string) => void): void {
  const username = config.admin.username;
  const logins = new Map<string, string>();
  for (const [roleName, r] of Object.entries(config.roles)) {
    if (identifierProblem(roleName)) continue;
    logins.set(roleName, `a role this stack declares (roles.${roleName})`);
    if (r.rotation === "alternating") {
      for (const suffix of ALTERNATING_SUFFIXES)
        logins.set(`${roleName}${suffix}`, `an alternating login of roles.${roleName}`);
    }
  }
  for (const [consumerName, consumer] of Object.entries(config.budget.unmanaged)) {
    if (consumer.role) logins.set(consumer.role, `the role of unmanaged consumer ${consumerName}`);
  }
  const clash = logins.get(username);
  if (clash) {
    report(
      ["admin", "username"],
      `"${username}" is ${clash}: the deployer logs in as a superuser the stack does not manage (the plan would make it NOSUPERUSER and lock the deployer out); use the server's superuser`,
    );
  }
}

function list(values: string[]): string {
  return values.length === 0 ? "none" : values.join(", ");
}
