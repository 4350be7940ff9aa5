// Checks on roles: unbounded logins, elevated roles, undeclared logins, drift from the declared roles, password storage.
import { escapeIdentifier } from "pg";
import { DANGEROUS_PREDEFINED_ROLES, MONITORING_PREDEFINED_ROLES } from "../../policies/no-superuser-app-roles";
import type { DeclaredModel, DeclaredRole } from "./declared";
import { finding, type Finding, type Skipped } from "./findings";
import type { LiveCatalog, LiveRole } from "./liveCatalog";

const isPredefined = (name: string) => name.startsWith("pg_");

/** Attributes compared for declared roles: [field, keyword when on, keyword when off]. */
const ATTRIBUTES: [keyof DeclaredRole & keyof LiveRole, string, string][] = [
  ["superuser", "SUPERUSER", "NOSUPERUSER"],
  ["createDatabase", "CREATEDB", "NOCREATEDB"],
  ["createRole", "CREATEROLE", "NOCREATEROLE"],
  ["inherit", "INHERIT", "NOINHERIT"],
  ["login", "LOGIN", "NOLOGIN"],
  ["replication", "REPLICATION", "NOREPLICATION"],
  ["bypassRowLevelSecurity", "BYPASSRLS", "NOBYPASSRLS"],
];

/** Elevated attributes no non-superuser role should carry. */
const ELEVATED: [keyof LiveRole, string, string][] = ATTRIBUTES.filter(([field]) =>
  ["createDatabase", "createRole", "replication", "bypassRowLevelSecurity"].includes(field),
);

export function roleChecks(model: DeclaredModel, live: LiveCatalog): { findings: Finding[]; skipped: Skipped[] } {
  const findings: Finding[] = [];
  const byName = new Map(live.roles.map((role) => [role.name, role]));
  const unmanagedRoles = new Map(
    model.unmanaged.filter((consumer) => consumer.role).map((consumer) => [consumer.role!, consumer]),
  );

  for (const role of live.roles) {
    if (isPredefined(role.name)) continue;
    const quoted = escapeIdentifier(role.name);
    // The deployer's own login: a superuser when the stack runs the server; in mode external the platform's
    // admin, CREATEROLE and CREATEDB by design, its slots the budget's deployer line.
    const deployer = role.name === model.superuser;
    if (role.login && !role.superuser && !deployer && role.connectionLimit === -1) {
      const slots = model.roles.get(role.name)?.connectionLimit ?? unmanagedRoles.get(role.name)?.slots;
      findings.push(
        finding("unbounded-login", {
          object: `role ${role.name}`,
          live: "no CONNECTION LIMIT (-1)",
          declared:
            slots !== undefined && slots >= 0
              ? `${slots} slots`
              : "every login role holds a bounded share of the slots",
          fix: `ALTER ROLE ${quoted} CONNECTION LIMIT ${slots !== undefined && slots >= 0 ? slots : "<its slots>"}`,
        }),
      );
    }
    if (!role.superuser && !deployer) findings.push(...elevation(role, byName, model));
    if (role.login && !model.roles.has(role.name) && !unmanagedRoles.has(role.name) && role.name !== model.superuser) {
      findings.push(
        finding("undeclared-role", {
          object: `role ${role.name}`,
          live: `LOGIN${role.superuser ? " SUPERUSER" : ""}, CONNECTION LIMIT ${role.connectionLimit}`,
          declared: "not declared, and no unmanaged consumer names it",
          fix: `declare it under fleetdb:budget.unmanaged (its slots and role), or DROP ROLE ${quoted} once nothing uses it`,
        }),
      );
    }
  }

  for (const declared of model.roles.values()) findings.push(...roleDrift(declared, byName.get(declared.name)));

  const skipped: Skipped[] = [];
  if (!live.passwords) {
    skipped.push({
      check: "password-encryption",
      reason: `reading pg_authid needs a superuser; the audit ran as ${live.user}`,
    });
  } else {
    for (const { role, kind } of live.passwords) {
      if (kind !== "md5" && kind !== "plaintext") continue;
      findings.push(
        finding("password-encryption", {
          object: `role ${role}`,
          live: kind === "md5" ? "an MD5 hash" : "a plaintext password",
          declared: "a SCRAM-SHA-256 verifier",
          fix: `set its password again with password_encryption = 'scram-sha-256' (managed roles: npm run passwords)`,
        }),
      );
    }
  }
  return { findings, skipped };
}

/** Elevated attributes, and memberships that reach a superuser or a predefined role the pack forbids. */
function elevation(role: LiveRole, byName: Map<string, LiveRole>, model: DeclaredModel): Finding[] {
  const findings: Finding[] = [];
  const quoted = escapeIdentifier(role.name);
  const elevated = ELEVATED.filter(([field]) => role[field] === true);
  if (elevated.length > 0) {
    findings.push(
      finding("elevated-role", {
        object: `role ${role.name}`,
        live: elevated.map(([, on]) => on).join(" "),
        declared: elevated.map(([, , off]) => off).join(" "),
        fix: `ALTER ROLE ${quoted} ${elevated.map(([, , off]) => off).join(" ")}`,
      }),
    );
  }
  const allowed = new Set(role.name === model.auditor ? MONITORING_PREDEFINED_ROLES : []);
  const forbidden = (name: string) =>
    (byName.get(name)?.superuser ?? false) ||
    DANGEROUS_PREDEFINED_ROLES.includes(name) ||
    (MONITORING_PREDEFINED_ROLES.includes(name) && !allowed.has(name));
  for (const direct of role.memberOf) {
    for (const reached of reachable(direct, byName)) {
      if (!forbidden(reached)) continue;
      findings.push(
        finding("elevated-role", {
          object: `role ${role.name}`,
          live: direct === reached ? `member of ${reached}` : `member of ${reached} (through ${direct})`,
          declared: `not a member of ${reached}`,
          fix: `REVOKE ${escapeIdentifier(direct)} FROM ${quoted}`,
        }),
      );
    }
  }
  return findings;
}

/** `start` and every role it is (transitively) a member of. */
function reachable(start: string, byName: Map<string, LiveRole>): string[] {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...(byName.get(next)?.memberOf ?? []));
  }
  return [...seen];
}

function roleDrift(declared: DeclaredRole, live: LiveRole | undefined): Finding[] {
  const object = `role ${declared.name}`;
  if (!live)
    return [
      finding("role-drift", {
        object,
        live: "missing",
        declared: "declared by the stack",
        fix: "pulumi up (creates it)",
      }),
    ];
  const quoted = escapeIdentifier(declared.name);
  const findings: Finding[] = [];
  for (const [field, on, off] of ATTRIBUTES) {
    if (live[field] === declared[field]) continue;
    const want = declared[field] ? on : off;
    findings.push(
      finding("role-drift", {
        object,
        live: live[field] ? on : off,
        declared: want,
        fix: `ALTER ROLE ${quoted} ${want}`,
      }),
    );
  }
  if (live.connectionLimit !== declared.connectionLimit)
    findings.push(
      finding("role-drift", {
        object,
        live: `CONNECTION LIMIT ${live.connectionLimit}`,
        declared: `CONNECTION LIMIT ${declared.connectionLimit}`,
        fix: `ALTER ROLE ${quoted} CONNECTION LIMIT ${declared.connectionLimit}`,
      }),
    );
  for (const group of live.memberOf.filter((name) => !declared.memberOf.includes(name)))
    findings.push(
      finding("role-drift", {
        object,
        live: `member of ${group}`,
        declared: declared.memberOf.length > 0 ? `member of ${declared.memberOf.join(", ")} only` : "no memberships",
        fix: `REVOKE ${escapeIdentifier(group)} FROM ${quoted}`,
      }),
    );
  for (const group of declared.memberOf.filter((name) => !live.memberOf.includes(name)))
    findings.push(
      finding("role-drift", {
        object,
        live: `not a member of ${group}`,
        declared: `member of ${group}`,
        fix: `GRANT ${escapeIdentifier(group)} TO ${quoted}`,
      }),
    );
  return findings;
}
