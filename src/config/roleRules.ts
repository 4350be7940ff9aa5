// The rules for one role: what a login role must declare, and what a group must not.
import { alternatingShares, generationOf, ALTERNATING_SUFFIXES } from "../loginIdentities";
import { PROVIDER_MANAGED_SETTINGS, ROLE_SETTING_NAMES, type RoleSettingName } from "../roleSettingNames";
import type { Issue, RoleConfig, StackShape } from "./schema";

/** Settings a login role must declare (0 allowed: "no per-role value"). */
export const REQUIRED_LOGIN_SETTINGS: readonly RoleSettingName[] = [
  "statement_timeout",
  "idle_in_transaction_session_timeout",
];

type Report = (path: Issue["path"], message: string) => void;
type At = (...path: Issue["path"]) => Issue["path"];

export function checkLoginRole(
  config: StackShape,
  roleName: string,
  r: RoleConfig,
  at: At,
  report: Report,
  serviceOwners: Map<string, string>,
): void {
  if (r.connectionLimit === undefined || r.connectionLimit < 0) {
    report(
      at("connectionLimit"),
      `a login role needs a hard CONNECTION LIMIT: expected an integer >= 0 (0 for a login that only runs background jobs), got ${r.connectionLimit ?? "nothing"}`,
    );
  }
  for (const setting of REQUIRED_LOGIN_SETTINGS) {
    if (r.settings[setting] === undefined) {
      report(
        at("settings", setting),
        `a login role must declare ${setting} (0 means no per-role value: the database or server default applies)`,
      );
    }
  }
  r.memberOf.forEach((groupName, index) => {
    const group = config.roles[groupName];
    if (!group) report(at("memberOf", index), `"${groupName}" is not a declared role`);
    else if (group.login)
      report(at("memberOf", index), `"${groupName}" is a login role; memberOf takes groups (login: false)`);
    else if (group.access === "owner") {
      report(
        at("memberOf", index),
        `"${groupName}" owns ${group.database}'s schemas: a login that joins it can run any DDL there (migrations run as it at deploy time); join a read or readwrite group, or make this role the database's owner`,
      );
    } else if (group.database !== r.database) {
      report(
        at("memberOf", index),
        `group "${groupName}" works in ${group.database}, this role in ${r.database}; expected a group of the same database`,
      );
    }
  });
  if (r.access === undefined && r.memberOf.length === 0) {
    report(at("access"), "a login role needs access (owner / readwrite / read) or memberOf a group that has it");
  }
  let pools = 0;
  r.services.forEach((serviceName, index) => {
    const service = config.services[serviceName];
    if (!service) {
      report(
        at("services", index),
        `service "${serviceName}" is not declared under services (declared: ${list(Object.keys(config.services))})`,
      );
      return;
    }
    const previous = serviceOwners.get(serviceName);
    if (previous) report(at("services", index), `service "${serviceName}" is already listed by role ${previous}`);
    serviceOwners.set(serviceName, roleName);
    pools += service.poolSize;
  });
  if (r.connectionLimit !== undefined && r.connectionLimit >= 0) {
    // Alternating: the services connect as one login at a time, which holds the smaller half of the limit.
    const share = r.rotation === "alternating" ? alternatingShares(r.connectionLimit)[1] : r.connectionLimit;
    if (pools > share) {
      report(
        at("services"),
        r.rotation === "alternating"
          ? `the pool sizes of ${r.services.join(", ")} add up to ${pools}, over one alternating login's share ${share} (connectionLimit ${r.connectionLimit} split in two): lower a poolSize or raise the limit`
          : `the pool sizes of ${r.services.join(", ")} add up to ${pools}, over the role's connectionLimit ${r.connectionLimit}: lower a poolSize or raise the limit`,
      );
    }
  }
  for (const [database, settings] of Object.entries(r.databaseSettings)) {
    if (!config.databases[database]) {
      report(
        at("databaseSettings", database),
        `database "${database}" is not declared (declared: ${list(Object.keys(config.databases))})`,
      );
    }
    for (const setting of PROVIDER_MANAGED_SETTINGS) {
      if (settings[setting] !== undefined) {
        report(
          at("databaseSettings", database, setting),
          `${setting} is managed by postgresql.Role at role level; an IN DATABASE value would override it there: set it under settings`,
        );
      }
    }
  }
  if (r.rotation === "alternating") {
    for (const suffix of ALTERNATING_SUFFIXES) {
      const login = `${roleName}${suffix}`;
      if (login.length > 63)
        report(
          at("rotation"),
          `alternating logins are named ${roleName}_a and ${roleName}_b: the role name must be at most 61 characters`,
        );
      else if (config.roles[login])
        report(
          at("rotation"),
          `alternating logins are named ${roleName}_a and ${roleName}_b, but ${login} is already a declared role`,
        );
    }
    if (r.connectionLimit !== undefined && r.connectionLimit >= 0 && r.connectionLimit < 2 && r.services.length > 0) {
      report(
        at("connectionLimit"),
        `an alternating role splits its limit between two logins: expected at least 2, got ${r.connectionLimit}`,
      );
    }
    if (generationOf(config.passwordRotation) === undefined) {
      report(
        ["passwordRotation"],
        `role ${roleName} alternates its logins, so the marker is a generation: expected a whole number, got "${config.passwordRotation}"`,
      );
    }
  }
}

export function checkGroupRole(r: RoleConfig, at: At, report: Report): void {
  if (r.connectionLimit !== undefined)
    report(at("connectionLimit"), "a group (login: false) takes no connectionLimit: it opens no sessions");
  const declared = ROLE_SETTING_NAMES.filter((setting) => r.settings[setting] !== undefined);
  if (declared.length > 0) {
    report(
      at("settings"),
      `a group (login: false) takes no settings: PostgreSQL applies role settings at login only, never on SET ROLE (got ${declared.join(", ")})`,
    );
  }
  if (r.services.length > 0)
    report(at("services"), "a group (login: false) takes no services: services connect as login roles");
  if (r.memberOf.length > 0)
    report(at("memberOf"), "groups do not nest in fleetdb: list the groups on each login role");
  if (Object.keys(r.databaseSettings).length > 0)
    report(
      at("databaseSettings"),
      "a group (login: false) takes no settings: PostgreSQL applies role settings at login only",
    );
  if (r.rotation !== "single") report(at("rotation"), "a group (login: false) has no password to rotate");
  if (r.access === undefined) report(at("access"), "a group needs access: owner, readwrite or read");
}

function list(values: string[]): string {
  return values.length === 0 ? "none" : values.join(", ");
}
