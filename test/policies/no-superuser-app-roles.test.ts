// no-superuser-app-roles: a compliant role, then one changed field per case, each with its message.
import { describe, expect, test } from "vitest";
import { noSuperuserAppRoles } from "../../policies/no-superuser-app-roles";
import { runResourcePolicy, UNKNOWN, type TestResource } from "./harness";

const ROLE = "postgresql:index/role:Role";
const GRANT_ROLE = "postgresql:index/grantRole:GrantRole";

function appRole(change: Record<string, unknown> = {}): TestResource {
  return {
    type: ROLE,
    name: "gateway_app-role",
    props: {
      name: "gateway_app",
      login: true,
      superuser: false,
      createDatabase: false,
      createRole: false,
      replication: false,
      bypassRowLevelSecurity: false,
      inherit: true,
      connectionLimit: 15,
      roles: ["fp_rw"],
      ...change,
    },
  };
}

describe("no-superuser-app-roles", () => {
  test("a least-privilege login role passes", async () => {
    expect(await runResourcePolicy(noSuperuserAppRoles, appRole())).toEqual({ violations: [] });
  });

  test("attributes the provider fills in at a real preview may be absent offline: absent means off", async () => {
    expect(
      await runResourcePolicy(noSuperuserAppRoles, { type: ROLE, name: "r", props: { name: "r", login: true } }),
    ).toEqual({ violations: [] });
  });

  test.each<[string, Record<string, unknown>, string]>([
    ["SUPERUSER", { superuser: true }, "login role gateway_app is SUPERUSER (superuser: true): set superuser to false"],
    [
      "REPLICATION",
      { replication: true },
      "login role gateway_app is REPLICATION (replication: true): set replication to false",
    ],
    [
      "BYPASSRLS",
      { bypassRowLevelSecurity: true },
      "login role gateway_app is BYPASSRLS (bypassRowLevelSecurity: true): set bypassRowLevelSecurity to false",
    ],
    [
      "CREATEROLE",
      { createRole: true },
      "login role gateway_app is CREATEROLE (createRole: true): set createRole to false",
    ],
    [
      "CREATEDB",
      { createDatabase: true },
      "login role gateway_app is CREATEDB (createDatabase: true): set createDatabase to false",
    ],
    [
      "SUPERUSER as JSON text",
      { superuser: "true" },
      "login role gateway_app is SUPERUSER (superuser: true): set superuser to false",
    ],
    [
      "a NOLOGIN superuser group",
      { login: false, superuser: true },
      "NOLOGIN role (its members can SET ROLE to it) gateway_app is SUPERUSER (superuser: true): set superuser to false",
    ],
    [
      "membership in pg_read_server_files",
      { roles: ["fp_rw", "pg_read_server_files"] },
      "role gateway_app is a member of pg_read_server_files (through roles), which reaches beyond its database: remove the membership",
    ],
    [
      "membership in pg_use_reserved_connections",
      { roles: ["pg_use_reserved_connections"] },
      "role gateway_app is a member of pg_use_reserved_connections (through roles), which reaches beyond its database: remove the membership",
    ],
    [
      "membership in the postgres superuser",
      { roles: ["postgres"] },
      "role gateway_app is a member of the superuser role postgres (through roles): remove the membership",
    ],
  ])("%s", async (_case, change, message) => {
    expect(await runResourcePolicy(noSuperuserAppRoles, appRole(change))).toEqual({ violations: [message] });
  });

  test.each(["pg_monitor", "pg_read_all_stats", "pg_read_all_settings"])(
    "membership in %s: every session's queries, for the auditor login only",
    async (group) => {
      expect(await runResourcePolicy(noSuperuserAppRoles, appRole({ roles: ["fp_rw", group] }))).toEqual({
        violations: [
          `role gateway_app is a member of ${group} (through roles), which shows every session's queries: only the auditor login (fleetdb:audit.auditor) may be`,
        ],
      });
    },
  );

  const AUDITOR_URN = "urn:pulumi:prod::fleetdb::fleetdb:audit:AuditorLogin$postgresql:index/role:Role::auditor-role";
  const auditor = (roles: string[], urn = AUDITOR_URN): TestResource => ({
    ...appRole({ name: "fleetdb_auditor", connectionLimit: 1, roles }),
    name: "auditor-role",
    urn,
  });

  test("the declared auditor login may be a member of pg_monitor", async () => {
    expect(await runResourcePolicy(noSuperuserAppRoles, auditor(["pg_monitor"]))).toEqual({ violations: [] });
  });

  test("the auditor login is held to every other rule", async () => {
    expect(await runResourcePolicy(noSuperuserAppRoles, auditor(["pg_monitor", "pg_read_server_files"]))).toEqual({
      violations: [
        "role fleetdb_auditor is a member of pg_read_server_files (through roles), which reaches beyond its database: remove the membership",
      ],
    });
  });

  test("a role named like the auditor but outside its component is not exempt", async () => {
    const impostor = auditor(
      ["pg_monitor"],
      "urn:pulumi:prod::fleetdb::fleetdb:role:AppRole$postgresql:index/role:Role::auditor-role",
    );
    expect(await runResourcePolicy(noSuperuserAppRoles, impostor)).toEqual({
      violations: [
        "role fleetdb_auditor is a member of pg_monitor (through roles), which shows every session's queries: only the auditor login (fleetdb:audit.auditor) may be",
      ],
    });
  });

  test("a GrantRole into pg_write_server_files", async () => {
    const grant: TestResource = {
      type: GRANT_ROLE,
      name: "etl-files",
      props: { role: "cron_app", grantRole: "pg_write_server_files" },
    };
    expect(await runResourcePolicy(noSuperuserAppRoles, grant)).toEqual({
      violations: [
        "role cron_app is a member of pg_write_server_files (through GrantRole etl-files), which reaches beyond its database: remove the membership",
      ],
    });
  });

  test.each([
    "rds_superuser",
    "cloudsqlsuperuser",
    "alloydbsuperuser",
    "azure_pg_admin",
    "neon_superuser",
    "tsdbadmin",
  ])("membership in the platform admin role %s", async (group) => {
    expect(await runResourcePolicy(noSuperuserAppRoles, appRole({ roles: ["fp_rw", group] }))).toEqual({
      violations: [
        `role gateway_app is a member of ${group}, a managed platform's admin role (through roles): remove the membership`,
      ],
    });
  });

  test("a configured platform admin role counts as one, and the configured list replaces the default", async () => {
    const config = { platformAdminRoles: ["dbaas_admin"] };
    expect(await runResourcePolicy(noSuperuserAppRoles, appRole({ roles: ["dbaas_admin"] }), config)).toEqual({
      violations: [
        "role gateway_app is a member of dbaas_admin, a managed platform's admin role (through roles): remove the membership",
      ],
    });
    expect(await runResourcePolicy(noSuperuserAppRoles, appRole({ roles: ["rds_superuser"] }), config)).toEqual({
      violations: [],
    });
  });

  test("a configured superuser role counts as a superuser", async () => {
    expect(
      await runResourcePolicy(noSuperuserAppRoles, appRole({ roles: ["dba"] }), {
        superuserRoles: ["postgres", "dba"],
      }),
    ).toEqual({
      violations: ["role gateway_app is a member of the superuser role dba (through roles): remove the membership"],
    });
  });

  test("an allow-listed exception passes", async () => {
    const role = appRole({ name: "backup_agent", replication: true, roles: ["pg_read_all_data"] });
    expect(await runResourcePolicy(noSuperuserAppRoles, role, { allowedRoles: ["backup_agent"] })).toEqual({
      violations: [],
    });
    expect((await runResourcePolicy(noSuperuserAppRoles, role)).violations).toHaveLength(2);
  });

  test("an unknown attribute at preview: the policy cannot run, as the server reports it", async () => {
    expect(await runResourcePolicy(noSuperuserAppRoles, appRole({ superuser: UNKNOWN }))).toEqual({
      violations: [],
      unknown: "string value at .superuser can't be known during preview",
    });
  });

  test("other resource types are not applicable", async () => {
    expect(
      await runResourcePolicy(noSuperuserAppRoles, { type: "docker:index/volume:Volume", name: "data", props: {} }),
    ).toEqual({
      violations: [],
      notApplicable:
        "Policy only applies to resources of type 'postgresql:index/role:Role' or 'postgresql:index/grantRole:GrantRole'",
    });
  });

  test("a config the CLI would refuse is refused", () => {
    expect(() => runResourcePolicy(noSuperuserAppRoles, appRole(), { allowedRoles: "backup_agent" })).toThrow(
      "no-superuser-app-roles: allowedRoles must be array",
    );
  });
});
