// The prod stack under Pulumi's mock runtime: every resource it declares, with the inputs and options that matter.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, test } from "vitest";
import { mockPassword, type ProgramRun } from "../../tools/lib/mockRuntime";
import { budgetFromResources } from "../../policies/core/budgetFromResources";
import { computeBudget } from "../../policies/core/connectionBudget";
import { stackPolicyResources } from "../../tools/lib/stackPolicyResources";
import { byUrn, descendants, named, ofType, runStack, TYPES } from "../support/programRun";

let run: ProgramRun;
const sorted = (values: string[]) => [...values].sort();
beforeAll(async () => {
  run = await runStack("prod");
});

const loginLimits = { tracksolid_owner: 30, dashboard_app: 8, gateway_app: 15, cron_app: 5 };

describe("roles", () => {
  test("four login roles with limits 30 / 8 / 15 / 5, the auditor's 1, and nothing elevated", () => {
    const logins = ofType(run, TYPES.role).filter((role) => role.inputs.login === true);
    expect(Object.fromEntries(logins.map((role) => [role.inputs.name, role.inputs.connectionLimit]))).toEqual({
      ...loginLimits,
      fleetdb_auditor: 1,
    });
    for (const role of logins) {
      expect(role.inputs).toMatchObject({
        superuser: false,
        createDatabase: false,
        createRole: false,
        replication: false,
        bypassRowLevelSecurity: false,
        inherit: true,
      });
    }
  });

  test("three NOLOGIN groups, nothing elevated, no memberships of their own", () => {
    const groups = ofType(run, TYPES.role).filter((role) => role.inputs.login === false);
    expect(groups.map((role) => role.inputs.name)).toEqual(["ts_read", "fleet_owner", "fp_rw"]);
    for (const group of groups) {
      expect(group.inputs).toMatchObject({
        superuser: false,
        createDatabase: false,
        createRole: false,
        replication: false,
        bypassRowLevelSecurity: false,
        roles: [],
      });
    }
  });

  test("membership only through Role.roles", () => {
    const memberships = Object.fromEntries(
      ofType(run, TYPES.role).map((role) => [role.inputs.name, role.inputs.roles]),
    );
    expect(memberships).toEqual({
      ts_read: [],
      fleet_owner: [],
      fp_rw: [],
      tracksolid_owner: [],
      dashboard_app: ["ts_read"],
      gateway_app: ["fp_rw"],
      cron_app: ["fp_rw"],
      fleetdb_auditor: ["pg_monitor"],
    });
    expect(run.resources.some((resource) => resource.type === "postgresql:index/grantRole:GrantRole")).toBe(false);
  });

  test("statement_timeout and idle_in_transaction_session_timeout through the provider's fields, in ms", () => {
    const timeouts = Object.fromEntries(
      ofType(run, TYPES.role)
        .filter((role) => role.inputs.login)
        .map((role) => [role.inputs.name, [role.inputs.statementTimeout, role.inputs.idleInTransactionSessionTimeout]]),
    );
    expect(timeouts).toEqual({
      tracksolid_owner: [0, 600_000],
      dashboard_app: [30_000, 60_000],
      gateway_app: [15_000, 60_000],
      cron_app: [300_000, 300_000],
      fleetdb_auditor: [30_000, 60_000],
    });
  });

  test("owner roles are protected; the others are not", () => {
    const protectedRoles = ofType(run, TYPES.role)
      .filter((role) => role.options.protect)
      .map((role) => role.inputs.name);
    expect(protectedRoles).toEqual(["fleet_owner", "tracksolid_owner"]);
  });

  test("each login role's password is a secret SCRAM verifier, never the plaintext", () => {
    for (const role of ofType(run, TYPES.role).filter((r) => r.inputs.login)) {
      expect(role.secretInputs).toContain("password");
      expect(String(role.inputs.password)).toMatch(
        /^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/,
      );
    }
  });

  test("one generated, URL-safe password and one salt per login role, both keyed to the rotation marker", () => {
    const passwords = ofType(run, TYPES.randomPassword).filter((password) => password.name !== "superuser-password");
    expect(passwords.map((password) => password.name)).toEqual([
      ...Object.keys(loginLimits).map((name) => `${name}-password`),
      "auditor-password",
    ]);
    for (const password of passwords) {
      expect(password.inputs).toMatchObject({ length: 32, special: false, keepers: { rotation: "2026-11-22" } });
    }
    const salts = ofType(run, TYPES.randomBytes).filter((salt) => salt.name !== "superuser-salt");
    expect(salts.map((salt) => [salt.name, salt.inputs.length, salt.inputs.keepers])).toEqual(
      [...Object.keys(loginLimits), "auditor"].map((name) => [`${name}-salt`, 16, { rotation: "2026-11-22" }]),
    );
  });
});

describe("the server", () => {
  test("the port is published on 127.0.0.1:5433 only", () => {
    const container = named(run, TYPES.container, "timescale-container");
    expect(container.inputs.ports).toEqual([{ internal: 5432, external: 5433, ip: "127.0.0.1", protocol: "tcp" }]);
    expect(container.inputs.publishAllPorts).toBeUndefined();
    expect(container.inputs.networkMode).toBeUndefined();
  });

  test("the command pins max_connections, superuser_reserved_connections and reserved_connections", () => {
    const container = named(run, TYPES.container, "timescale-container");
    expect(container.inputs.command).toEqual([
      "postgres",
      "-c",
      "max_connections=100",
      "-c",
      "superuser_reserved_connections=3",
      "-c",
      "reserved_connections=0",
    ]);
  });

  test("a TCP pg_isready healthcheck, restart unless-stopped, telemetry off", () => {
    const container = named(run, TYPES.container, "timescale-container");
    expect(container.inputs.healthcheck).toMatchObject({
      tests: ["CMD", "pg_isready", "-h", "127.0.0.1", "-p", "5432", "-U", "postgres", "-d", "postgres"],
    });
    expect(container.inputs.restart).toBe("unless-stopped");
    expect(container.inputs.envs).toContain("TIMESCALEDB_TELEMETRY=off");
  });

  test("data safety: named volume at PGDATA, kept on delete, clean shutdown, one postmaster at a time", () => {
    const container = named(run, TYPES.container, "timescale-container");
    expect(container.inputs.volumes).toEqual([
      { volumeName: "timescaledb-pg16-data", containerPath: "/var/lib/postgresql/data" },
    ]);
    expect(container.inputs.removeVolumes).toBe(false);
    expect(container.inputs.destroyGraceSeconds).toBeGreaterThanOrEqual(60);
    expect(container.options.deleteBeforeReplace).toBe(true);
    expect(container.options.ignoreChanges).toEqual(["envs"]);
    const volume = named(run, TYPES.volume, "timescale-data");
    expect(volume.inputs.name).toBe("timescaledb-pg16-data");
    expect(volume.options).toMatchObject({ protect: true, retainOnDelete: true });
  });

  test("POSTGRES_PASSWORD is a secret input", () => {
    const container = named(run, TYPES.container, "timescale-container");
    expect(container.secretInputs).toContain("envs");
    expect(container.inputs.envs).toContain(`POSTGRES_PASSWORD=${mockPassword("superuser-password")}`);
  });

  test("the image is the pinned tag; the network carries the services' alias", () => {
    expect(named(run, TYPES.remoteImage, "timescale-image").inputs).toMatchObject({
      name: "timescale/timescaledb:2.26.0-pg16",
      keepLocally: true,
    });
    const container = named(run, TYPES.container, "timescale-container");
    expect(container.inputs.networksAdvanced).toEqual([{ name: "fleetdb", aliases: ["timescale_db"] }]);
  });
});

describe("the postgresql provider", () => {
  test("explicit sslmode, bounded pools, admin endpoint from the environment", () => {
    const provider = named(run, TYPES.postgresqlProvider, "admin-provider");
    expect(provider.inputs).toMatchObject({
      sslmode: "disable",
      maxConnections: "2",
      database: "postgres",
      username: "postgres",
      superuser: "true",
      expectedVersion: "16.0.0",
      connectTimeout: "15",
    });
    expect(provider.inputs.host).toBeUndefined();
    expect(provider.inputs.port).toBeUndefined();
    expect(provider.secretInputs).toContain("password");
  });

  test("is passed explicitly to every postgresql resource", () => {
    const provider = named(run, TYPES.postgresqlProvider, "admin-provider");
    const postgresResources = run.resources.filter((resource) => resource.type.startsWith("postgresql:"));
    expect(postgresResources.length).toBeGreaterThan(50);
    for (const resource of postgresResources)
      expect(resource.provider, resource.name).toBe(`${provider.urn}::${provider.name}-id`);
  });
});

describe("databases, schemas, extensions", () => {
  test("both databases and all ten schemas are protected; schemas are owned by the owner role", () => {
    expect(ofType(run, TYPES.database).map((db) => [db.inputs.name, db.inputs.owner, db.options.protect])).toEqual([
      ["tracksolid_db", undefined, true],
      ["fleet_platform", undefined, true],
    ]);
    expect(
      sorted(
        ofType(run, TYPES.schema).map(
          (schema) =>
            `${schema.inputs.database}.${schema.inputs.name} ${schema.inputs.owner} ${schema.options.protect}`,
        ),
      ),
    ).toEqual(
      sorted([
        "tracksolid_db.tracksolid tracksolid_owner true",
        "tracksolid_db.reporting tracksolid_owner true",
        ...["auth", "domain", "events", "geo", "ops", "serve", "slo", "state"].map(
          (schema) => `fleet_platform.${schema} fleet_owner true`,
        ),
      ]),
    );
  });

  test("tracksolid_db gets timescaledb (template0 has none)", () => {
    expect(
      ofType(run, TYPES.extension).map((ext) => [ext.inputs.database, ext.inputs.name, ext.options.protect]),
    ).toEqual([["tracksolid_db", "timescaledb", true]]);
  });
});

describe("grants", () => {
  const grantsOf = (role: string) =>
    sorted(
      ofType(run, TYPES.grant)
        .filter((grant) => grant.inputs.role === role && grant.inputs.objectType !== "database")
        .map(
          (grant) =>
            `${grant.inputs.schema} ${grant.inputs.objectType} ${(grant.inputs.privileges as string[]).join(",")}`,
        ),
    );

  test("ts_read: USAGE and SELECT on both tracksolid_db schemas", () => {
    expect(grantsOf("ts_read")).toEqual(
      sorted([
        "tracksolid schema USAGE",
        "tracksolid table SELECT",
        "tracksolid sequence SELECT",
        "reporting schema USAGE",
        "reporting table SELECT",
        "reporting sequence SELECT",
      ]),
    );
  });

  test("fp_rw: DML without TRUNCATE, sequences, EXECUTE on all eight schemas", () => {
    const expected = ["auth", "domain", "events", "geo", "ops", "serve", "slo", "state"].flatMap((schema) => [
      `${schema} schema USAGE`,
      `${schema} table SELECT,INSERT,UPDATE,DELETE`,
      `${schema} sequence USAGE,SELECT,UPDATE`,
      `${schema} function EXECUTE`,
    ]);
    expect(grantsOf("fp_rw")).toEqual(sorted(expected));
  });

  test("no grant on schema objects to a login role, the owners or PUBLIC", () => {
    for (const role of ["tracksolid_owner", "dashboard_app", "gateway_app", "cron_app", "fleet_owner", "public"])
      expect(grantsOf(role)).toEqual([]);
  });

  test("default privileges for objects the schema owner creates later", () => {
    const defaults = ofType(run, TYPES.defaultPrivileges).map(
      (d) =>
        `${d.inputs.database} ${d.inputs.owner}→${d.inputs.role} ${d.inputs.schema} ${d.inputs.objectType} ${(d.inputs.privileges as string[]).join(",")}`,
    );
    expect(sorted(defaults)).toEqual(
      sorted([
        "tracksolid_db tracksolid_owner→ts_read tracksolid table SELECT",
        "tracksolid_db tracksolid_owner→ts_read tracksolid sequence SELECT",
        "tracksolid_db tracksolid_owner→ts_read reporting table SELECT",
        "tracksolid_db tracksolid_owner→ts_read reporting sequence SELECT",
        ...["auth", "domain", "events", "geo", "ops", "serve", "slo", "state"].flatMap((schema) => [
          `fleet_platform fleet_owner→fp_rw ${schema} table SELECT,INSERT,UPDATE,DELETE`,
          `fleet_platform fleet_owner→fp_rw ${schema} sequence USAGE,SELECT,UPDATE`,
          `fleet_platform fleet_owner→fp_rw ${schema} function EXECUTE`,
        ]),
      ]),
    );
    for (const d of ofType(run, TYPES.defaultPrivileges)) expect(d.options.deleteBeforeReplace).toBe(true);
  });

  test("database grants: PUBLIC revoked everywhere, CONNECT only where the matrix says", () => {
    const databaseGrants = ofType(run, TYPES.grant)
      .filter((grant) => grant.inputs.objectType === "database")
      .map(
        (grant) =>
          `${grant.inputs.database} ${grant.inputs.role} ${(grant.inputs.privileges as string[]).join(",") || "(revoke all)"}`,
      );
    expect(sorted(databaseGrants)).toEqual(
      sorted([
        "tracksolid_db tracksolid_owner CONNECT,TEMPORARY,CREATE",
        "tracksolid_db ts_read CONNECT,TEMPORARY",
        "tracksolid_db reporting_refresher CONNECT",
        "tracksolid_db bi_reader CONNECT",
        "tracksolid_db backup CONNECT",
        "tracksolid_db public (revoke all)",
        "fleet_platform fleet_owner CREATE",
        "fleet_platform fp_rw CONNECT,TEMPORARY",
        "fleet_platform backup CONNECT",
        "fleet_platform public (revoke all)",
        "postgres backup CONNECT",
        "postgres public (revoke all)",
        "template1 public (revoke all)",
        "tracksolid_db fleetdb_auditor CONNECT",
        "fleet_platform fleetdb_auditor CONNECT",
        "postgres fleetdb_auditor CONNECT",
      ]),
    );
  });

  test("grants that touch the same schema or database run one after another", () => {
    const lanes = new Map<string, typeof run.resources>();
    for (const grant of [...ofType(run, TYPES.grant), ...ofType(run, TYPES.defaultPrivileges)]) {
      const lane = `${grant.inputs.database}.${grant.inputs.objectType === "database" ? "" : grant.inputs.schema}`;
      lanes.set(lane, [...(lanes.get(lane) ?? []), grant]);
    }
    expect(lanes.size).toBe(14);
    for (const database of ["tracksolid_db", "fleet_platform", "postgres", "template1"]) {
      // The PUBLIC revoke runs last, after every role that needs CONNECT has it: nobody is locked out.
      expect(lanes.get(`${database}.`)!.at(-1)!.inputs.role).toBe("public");
    }
    for (const [lane, grants] of lanes) {
      grants.slice(1).forEach((grant, index) => {
        expect(grant.dependencies, `${lane}: ${grant.name} waits for ${grants[index].name}`).toContain(
          grants[index].urn,
        );
      });
    }
  });
});

describe("components", () => {
  test("every resource but the Stack has a parent; children are named after their component", () => {
    for (const resource of run.resources) {
      if (resource.type === "pulumi:pulumi:Stack") continue;
      const parent = byUrn(run, resource.parent);
      expect(parent, resource.name).toBeDefined();
      if (parent!.type !== "pulumi:pulumi:Stack")
        expect(resource.name.startsWith(parent!.name), `${resource.name} under ${parent!.name}`).toBe(true);
    }
  });

  test("no component stores its args (no secrets in component state)", () => {
    for (const component of run.resources.filter((resource) => resource.type.startsWith("fleetdb:")))
      expect(component.inputs, component.name).toEqual({});
  });

  test("each app role component holds exactly its password, salt and role; its settings component the two the provider cannot set", () => {
    const role = named(run, "fleetdb:role:AppRole", "gateway_app");
    expect(
      descendants(run, role.urn)
        .map((child) => `${child.type} ${child.name}`)
        .sort(),
    ).toEqual(
      [
        `${TYPES.role} gateway_app-role`,
        `${TYPES.randomBytes} gateway_app-salt`,
        `${TYPES.randomPassword} gateway_app-password`,
      ].sort(),
    );
    const settings = named(run, "fleetdb:role:RoleSettings", "gateway_app-settings");
    expect(
      descendants(run, settings.urn)
        .map((child) => `${child.type} ${child.name}`)
        .sort(),
    ).toEqual([
      `${TYPES.dynamic} gateway_app-settings-gateway_app-idle_session_timeout`,
      `${TYPES.dynamic} gateway_app-settings-gateway_app-lock_timeout`,
    ]);
  });
});

describe("outputs", () => {
  test("databaseUrls: a secret with a URL for each of the six services, parsing back to the role's password", async () => {
    expect(run.secretOutputs).toEqual(["databaseUrls", "auditorUrl"]);
    expect(pulumi.Output.isInstance(run.exports.databaseUrls)).toBe(true);
    const urls = run.outputs.databaseUrls as Record<string, string>;
    const roles = {
      webhook_receiver: "tracksolid_owner",
      ingest_worker: "tracksolid_owner",
      worker: "tracksolid_owner",
      dashboard_api: "dashboard_app",
      gateway: "gateway_app",
      cron: "cron_app",
    };
    expect(Object.keys(urls)).toEqual(Object.keys(roles));
    for (const [service, role] of Object.entries(roles)) {
      const url = new URL(urls[service]);
      expect(url.protocol).toBe("postgresql:");
      expect(url.username).toBe(role);
      expect(decodeURIComponent(url.password)).toBe(mockPassword(`${role}-password`));
      // The raw URL carries the delimiters only percent-encoded: none of them reshapes it.
      expect(url.password).not.toMatch(/[@:/#?&= ]/);
      expect(url.password).toContain("%40");
      expect(`${url.hostname}:${url.port}${url.pathname}`).toBe(
        `timescale_db:5432/${role === "gateway_app" || role === "cron_app" ? "fleet_platform" : "tracksolid_db"}`,
      );
      expect(url.searchParams.get("application_name")).toBe(service);
    }
  });

  test("poolSizes, serviceRoles, roleNames and the admin endpoint", () => {
    expect(run.outputs.poolSizes).toEqual({
      webhook_receiver: 10,
      ingest_worker: 10,
      worker: 8,
      dashboard_api: 6,
      gateway: 12,
      cron: 4,
    });
    const same = (role: string) => ({ role, login: role });
    expect(run.outputs.serviceRoles).toEqual({
      webhook_receiver: same("tracksolid_owner"),
      ingest_worker: same("tracksolid_owner"),
      worker: same("tracksolid_owner"),
      dashboard_api: same("dashboard_app"),
      gateway: same("gateway_app"),
      cron: same("cron_app"),
    });
    expect(run.outputs.roleNames).toEqual({
      login: Object.fromEntries(Object.keys(loginLimits).map((role) => [role, [role]])),
      groups: ["ts_read", "fleet_owner", "fp_rw"],
    });
    expect(run.outputs.adminEndpoint).toEqual({
      host: "$PGHOST",
      port: "$PGPORT",
      database: "postgres",
      username: "postgres",
      sslmode: "disable",
    });
  });

  test("the connection budget: 58 managed + 1 auditor + 28 unmanaged + 9 + 1 deployer + 3 reserved = 100 of 100", () => {
    const budget = run.outputs.connectionBudget as {
      total: number;
      headroom: number;
      fits: boolean;
      lines: { kind: string; slots: number }[];
    };
    const sum = (kind: string) =>
      budget.lines.filter((line) => line.kind === kind).reduce((total, line) => total + line.slots, 0);
    expect([sum("role"), sum("unmanaged"), sum("deployer"), sum("reserved")]).toEqual([59, 28, 10, 3]);
    expect(budget).toMatchObject({ total: 100, headroom: 0, fits: true });
    expect(run.outputs.unmanagedConnections).toEqual([
      { name: "reporting_refresher", slots: 4, detail: "refreshes reporting views" },
      { name: "bi_reader", slots: 6, detail: "read-only BI login" },
      { name: "backups", slots: 4, detail: "pg_dump and base backups" },
      { name: "admin_tools", slots: 14, detail: "ad-hoc admin tools (one backend per tab)" },
    ]);
  });

  test("the budget the config declares is the budget the policy recomputes from the resources", () => {
    expect(computeBudget(budgetFromResources(stackPolicyResources(run), 100).input)).toEqual(
      run.outputs.connectionBudget,
    );
  });
});

describe("settings the provider cannot set, and the superuser's password", () => {
  const settings = () =>
    ofType(run, TYPES.dynamic).filter((resource) => resource.inputs.fleetdbKind === "role-setting");

  test("lock_timeout and idle_session_timeout for every login role, as fleetdb RoleSettings in ms (0 is a value)", () => {
    expect(sorted(settings().map((s) => `${s.inputs.role} ${s.inputs.setting}=${s.inputs.value}`))).toEqual(
      sorted([
        "tracksolid_owner lock_timeout=60000",
        "tracksolid_owner idle_session_timeout=0",
        "dashboard_app lock_timeout=5000",
        "dashboard_app idle_session_timeout=0",
        "gateway_app lock_timeout=5000",
        "gateway_app idle_session_timeout=0",
        "cron_app lock_timeout=10000",
        "cron_app idle_session_timeout=0",
      ]),
    );
  });

  test("each carries the admin login as a secret, waits for its role, and they run one at a time", () => {
    const all = settings();
    for (const setting of all) {
      expect(setting.secretInputs).toContain("admin");
      expect(setting.inputs.admin).toMatchObject({
        user: "postgres",
        database: "postgres",
        sslmode: "disable",
        password: mockPassword("superuser-password"),
      });
      expect(setting.options.deleteBeforeReplace).toBe(true);
      const role = ofType(run, TYPES.role).find((r) => r.inputs.name === setting.inputs.role)!;
      expect(setting.dependencies).toContain(role.urn);
    }
    all.slice(1).forEach((setting, index) => expect(setting.dependencies, setting.name).toContain(all[index].urn));
  });

  test("the superuser's password is set by the stack before the provider logs in with it", () => {
    const [superuser] = ofType(run, TYPES.dynamic).filter(
      (resource) => resource.inputs.fleetdbKind === "superuser-password",
    );
    expect(superuser.name).toBe("admin-superuser-password");
    expect(superuser.secretInputs.sort()).toEqual(["password", "verifier"]);
    expect(String(superuser.inputs.verifier)).toMatch(/^SCRAM-SHA-256\$4096:/);
    expect(superuser.inputs.admin).toEqual({
      database: "postgres",
      user: "postgres",
      sslmode: "disable",
      connectTimeoutSeconds: 15,
    });
    expect(superuser.dependencies).toContain(named(run, TYPES.container, "timescale-container").urn);
    expect(named(run, TYPES.postgresqlProvider, "admin-provider").dependencies).toContain(superuser.urn);
  });

  test("prod does not rotate the superuser yet: the marker waits until the audit shows no service on it (docs/audit.md)", () => {
    expect(named(run, TYPES.randomPassword, "superuser-password").inputs.keepers).toEqual({ rotation: "initial" });
    expect(named(run, TYPES.randomBytes, "superuser-salt").inputs.keepers).toEqual({ rotation: "initial" });
  });
});
