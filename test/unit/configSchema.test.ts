// The config schema: the real stack files parse, and every rejection names its key and what was expected.
import { describe, expect, test } from "vitest";
import { parseStackConfig } from "../../src/config/load";
import { problemsOf, prodWith, stackValues } from "../support/stackConfig";

describe("the stack files", () => {
  test.each(["dev", "prod"])("Pulumi.%s.yaml is valid", (stack) => {
    expect(problemsOf(stackValues(stack))).toEqual([]);
  });

  test("prod spells out the live system: four login roles with 30 / 8 / 15 / 5, three groups", () => {
    const config = parseStackConfig(stackValues("prod"));
    const limits = Object.fromEntries(
      Object.entries(config.roles)
        .filter(([, role]) => role.login)
        .map(([name, role]) => [name, role.connectionLimit]),
    );
    expect(limits).toEqual({ tracksolid_owner: 30, dashboard_app: 8, gateway_app: 15, cron_app: 5 });
    expect(Object.keys(config.roles).filter((name) => !config.roles[name].login)).toEqual([
      "ts_read",
      "fleet_owner",
      "fp_rw",
    ]);
    expect(config.server).toMatchObject({
      bindAddress: "127.0.0.1",
      hostPort: 5433,
      maxConnections: 100,
      superuserReservedConnections: 3,
    });
  });

  test("durations become milliseconds; defaults fill the server", () => {
    const config = parseStackConfig(stackValues("dev"));
    expect(config.roles.dashboard_app.settings).toEqual({
      statement_timeout: 30_000,
      lock_timeout: 5_000,
      idle_in_transaction_session_timeout: 60_000,
      idle_session_timeout: 0,
    });
    expect(config.server).toMatchObject({
      bindAddress: "127.0.0.1",
      hostPort: 5433,
      reservedConnections: 0,
      dataVolume: "timescaledb-pg16-data",
      networkAlias: "timescale_db",
      stopGraceSeconds: 120,
    });
  });
});

type Change = (values: Record<string, any>) => void;

const rejections: [string, Change, string[]][] = [
  ["an unknown top-level key", (v) => (v.maxConns = 100), ["fleetdb:maxConns: unknown key"]],
  [
    "an unknown nested key",
    (v) => (v.roles.gateway_app.superuser = true),
    ["fleetdb:roles.gateway_app.superuser: unknown key"],
  ],
  [
    "an upper-case role name",
    (v) => {
      v.roles.Gateway_App = v.roles.gateway_app;
      delete v.roles.gateway_app;
      v.roles.Gateway_App.services = [];
      delete v.services.gateway;
    },
    [
      'fleetdb:roles.Gateway_App: invalid name "Gateway_App": expected a plain lower-case PostgreSQL name: ^[a-z_][a-z0-9_]{0,62}$',
    ],
  ],
  [
    "a 64-character service name",
    (v) => {
      const long = "s".repeat(64);
      v.services[long] = { poolSize: 1 };
      v.roles.cron_app.services.push(long);
    },
    [
      `fleetdb:services.${"s".repeat(64)}: invalid name "${"s".repeat(64)}": expected a plain lower-case PostgreSQL name: ^[a-z_][a-z0-9_]{0,62}$`,
    ],
  ],
  [
    "a reserved schema name",
    (v) => v.databases.fleet_platform.schemas.push("public"),
    ['fleetdb:databases.fleet_platform.schemas[8]: invalid schema name "public": "public" is reserved'],
  ],
  [
    "a pg_ prefix",
    (v) => (v.budget.unmanaged.pg_monitor = { slots: 1 }),
    [
      'fleetdb:budget.unmanaged.pg_monitor: invalid name "pg_monitor": names starting with pg_ are reserved for PostgreSQL',
    ],
  ],
  [
    "a role named postgres",
    (v) => (v.roles.postgres = { login: false, database: "fleet_platform", access: "read" }),
    ['fleetdb:roles.postgres: invalid name "postgres": "postgres" is reserved'],
  ],
  [
    "a role in an undeclared database",
    (v) => (v.roles.ts_read.database = "tracksolid"),
    [
      'fleetdb:roles.ts_read.database: database "tracksolid" is not declared (declared: tracksolid_db, fleet_platform)',
      'fleetdb:roles.dashboard_app.memberOf[0]: group "ts_read" works in tracksolid, this role in tracksolid_db; expected a group of the same database',
    ],
  ],
  [
    "a role listing an undeclared service",
    (v) => v.roles.cron_app.services.push("reports"),
    [
      'fleetdb:roles.cron_app.services[1]: service "reports" is not declared under services (declared: webhook_receiver, ingest_worker, worker, dashboard_api, gateway, cron)',
    ],
  ],
  [
    "a service no role lists",
    (v) => (v.services.reports = { poolSize: 1 }),
    ['fleetdb:services.reports: service "reports" is not listed by any role\'s services'],
  ],
  [
    "a service listed by two roles",
    (v) => {
      v.roles.gateway_app.services.push("cron");
      v.services.gateway.poolSize = 8;
    },
    ['fleetdb:roles.cron_app.services[0]: service "cron" is already listed by role gateway_app'],
  ],
  [
    "a login role without a CONNECTION LIMIT",
    (v) => delete v.roles.gateway_app.connectionLimit,
    [
      "fleetdb:roles.gateway_app.connectionLimit: a login role needs a hard CONNECTION LIMIT: expected an integer >= 0 (0 for a login that only runs background jobs), got nothing",
    ],
  ],
  [
    "a login role with CONNECTION LIMIT -1",
    (v) => (v.roles.gateway_app.connectionLimit = -1),
    [
      "fleetdb:roles.gateway_app.connectionLimit: a login role needs a hard CONNECTION LIMIT: expected an integer >= 0 (0 for a login that only runs background jobs), got -1",
    ],
  ],
  [
    "a login role without statement_timeout",
    (v) => delete v.roles.dashboard_app.settings.statement_timeout,
    [
      "fleetdb:roles.dashboard_app.settings.statement_timeout: a login role must declare statement_timeout (0 means no per-role value: the database or server default applies)",
    ],
  ],
  [
    "a login role without idle_in_transaction_session_timeout",
    (v) => delete v.roles.tracksolid_owner.settings.idle_in_transaction_session_timeout,
    [
      "fleetdb:roles.tracksolid_owner.settings.idle_in_transaction_session_timeout: a login role must declare idle_in_transaction_session_timeout (0 means no per-role value: the database or server default applies)",
    ],
  ],
  [
    "pool sizes over the role's limit",
    (v) => (v.services.worker.poolSize = 11),
    [
      "fleetdb:roles.tracksolid_owner.services: the pool sizes of webhook_receiver, ingest_worker, worker add up to 31, over the role's connectionLimit 30: lower a poolSize or raise the limit",
    ],
  ],
  [
    "an image tag for another PostgreSQL major",
    (v) => (v.server.image = "timescale/timescaledb:2.26.0-pg17"),
    ['fleetdb:server.image: the tag "2.26.0-pg17" runs PostgreSQL 17 but postgresMajorVersion is 16'],
  ],
  [
    "an image without a tag",
    (v) => (v.server.image = "timescale/timescaledb"),
    [
      'fleetdb:server.image: expected an image pinned to a version such as timescale/timescaledb:2.26.0-pg16 (or a digest): "timescale/timescaledb" has no tag, which means latest',
    ],
  ],
  [
    "a moving image tag",
    (v) => (v.server.image = "timescale/timescaledb:latest-pg16"),
    [
      'fleetdb:server.image: expected an image pinned to a version such as timescale/timescaledb:2.26.0-pg16 (or a digest): "timescale/timescaledb:latest-pg16" uses the moving tag latest-pg16',
    ],
  ],
  [
    "a bind address that is not an IP",
    (v) => (v.server.bindAddress = "localhost"),
    ['fleetdb:server.bindAddress: expected an IPv4 or IPv6 address such as 127.0.0.1 or ::1, got "localhost"'],
  ],
  [
    "a mode other than embedded or external",
    (v) => (v.server.mode = "managed"),
    [
      'fleetdb:server.mode: expected mode: embedded (fleetdb runs the container) or external (a server it does not run), got "managed"',
    ],
  ],
  [
    "reserved slots that leave none for clients",
    (v) => (v.server.superuserReservedConnections = 100),
    [
      "fleetdb:server.superuserReservedConnections: superuserReservedConnections + reservedConnections (100) must be less than maxConnections (100); PostgreSQL refuses to start otherwise",
    ],
  ],
  [
    "reserved_connections on PostgreSQL 15",
    (v) => {
      v.server.postgresMajorVersion = 15;
      v.server.image = "timescale/timescaledb:2.26.0-pg15";
      v.server.reservedConnections = 2;
    },
    [
      "fleetdb:server.reservedConnections: reserved_connections exists from PostgreSQL 16; expected 0 for postgresMajorVersion 15",
    ],
  ],
  [
    "a port given as text",
    (v) => (v.server.hostPort = "5433"),
    ['fleetdb:server.hostPort: expected a port from 1 to 65535, got "5433"'],
  ],
  ["a missing section", (v) => delete v.admin, ["fleetdb:admin: required: expected a mapping (sslmode at least)"]],
  [
    "an unbounded deployer pool",
    (v) => (v.budget.deployerMaxConnections = 0),
    ["fleetdb:budget.deployerMaxConnections: expected an integer from 1 to 20, got 0"],
  ],
  [
    "a group with a connection limit",
    (v) => (v.roles.fp_rw.connectionLimit = 5),
    ["fleetdb:roles.fp_rw.connectionLimit: a group (login: false) takes no connectionLimit: it opens no sessions"],
  ],
  [
    "a group with settings",
    (v) => (v.roles.fleet_owner.settings = { statement_timeout: "1s" }),
    [
      "fleetdb:roles.fleet_owner.settings: a group (login: false) takes no settings: PostgreSQL applies role settings at login only, never on SET ROLE (got statement_timeout)",
    ],
  ],
  [
    "membership in a login role",
    (v) => (v.roles.cron_app.memberOf = ["gateway_app"]),
    ['fleetdb:roles.cron_app.memberOf[0]: "gateway_app" is a login role; memberOf takes groups (login: false)'],
  ],
  [
    "a login role with no access at all",
    (v) => (v.roles.cron_app.memberOf = []),
    [
      "fleetdb:roles.cron_app.access: a login role needs access (owner / readwrite / read) or memberOf a group that has it",
    ],
  ],
  [
    "an owner that is not the database's owner",
    (v) => (v.databases.fleet_platform.owner = "fp_rw"),
    [
      'fleetdb:databases.fleet_platform.owner: owner "fp_rw" must be declared with access: owner and database: fleet_platform',
      'fleetdb:roles.fleet_owner.access: access: owner requires databases.fleet_platform.owner to be "fleet_owner" (it is "fp_rw")',
    ],
  ],
  [
    "an unmanaged consumer that is a managed role",
    (v) => (v.budget.unmanaged.bi_reader.role = "dashboard_app"),
    [
      'fleetdb:budget.unmanaged.bi_reader.role: "dashboard_app" is a role this stack manages; budget it under roles, not unmanaged',
    ],
  ],
  [
    "an unmanaged consumer in an undeclared database",
    (v) => (v.budget.unmanaged.backups.databases = ["postgres", "warehouse"]),
    [
      'fleetdb:budget.unmanaged.backups.databases[1]: database "warehouse" is not declared (declared: postgres, tracksolid_db, fleet_platform)',
    ],
  ],
  [
    "an empty rotation marker",
    (v) => (v.passwordRotation = ""),
    ["fleetdb:passwordRotation: is empty: expected a marker such as 2026-11-22"],
  ],
  [
    "an IN DATABASE statement_timeout, which would override the provider's role-level value",
    (v) => (v.roles.gateway_app.databaseSettings = { fleet_platform: { statement_timeout: "1s", lock_timeout: "2s" } }),
    [
      "fleetdb:roles.gateway_app.databaseSettings.fleet_platform.statement_timeout: statement_timeout is managed by postgresql.Role at role level; an IN DATABASE value would override it there: set it under settings",
    ],
  ],
  [
    "IN DATABASE settings for an undeclared database",
    (v) => (v.roles.gateway_app.databaseSettings = { warehouse: { lock_timeout: "2s" } }),
    [
      'fleetdb:roles.gateway_app.databaseSettings.warehouse: database "warehouse" is not declared (declared: tracksolid_db, fleet_platform)',
    ],
  ],
  [
    "alternating logins with a marker that is not a generation",
    (v) => (v.roles.cron_app.rotation = "alternating"),
    [
      "fleetdb:roles.cron_app.services: the pool sizes of cron add up to 4, over one alternating login's share 2 (connectionLimit 5 split in two): lower a poolSize or raise the limit",
      'fleetdb:passwordRotation: role cron_app alternates its logins, so the marker is a generation: expected a whole number, got "2026-11-22"',
    ],
  ],
  [
    "alternating logins whose names are taken",
    (v) => {
      v.passwordRotation = "3";
      v.roles.cron_app.rotation = "alternating";
      v.services.cron.poolSize = 2;
      v.roles.cron_app_b = { login: false, database: "fleet_platform", access: "read" };
    },
    [
      "fleetdb:roles.cron_app.rotation: alternating logins are named cron_app_a and cron_app_b, but cron_app_b is already a declared role",
    ],
  ],
  [
    "a group with a rotation mode",
    (v) => (v.roles.fp_rw.rotation = "alternating"),
    ["fleetdb:roles.fp_rw.rotation: a group (login: false) has no password to rotate"],
  ],
  [
    "an empty superuser marker",
    (v) => (v.superuserPasswordRotation = ""),
    ["fleetdb:superuserPasswordRotation: is empty: expected a marker such as 2026-11-22"],
  ],
  [
    "a secret that is not text",
    (v) => (v.superuserPassword = 42),
    ["fleetdb:superuserPassword: invalid secret value (invalid_type); the value is not shown"],
  ],
];

describe("rejections name the key and what was expected", () => {
  test.each(rejections)("%s", (_case, change, problems) => {
    expect(problemsOf(prodWith(change))).toEqual(problems);
  });
});

const durations: [unknown, string][] = [
  ["5 minutes", '"5 minutes"'],
  ["-1", '"-1"'],
  ["10MS", '"10MS"'],
  ["0.1us", '"0.1us"'],
  [1.5, "1.5"],
  ["25d", '"25d"'],
];

describe("durations PostgreSQL would not accept", () => {
  test.each(durations)("lock_timeout %j", (value, shown) => {
    const problems = problemsOf(prodWith((v) => (v.roles.gateway_app.settings.lock_timeout = value)));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^fleetdb:roles\.gateway_app\.settings\.lock_timeout: expected milliseconds \(an integer\) or a string with a unit \(us, ms, s, min, h, d\), from 0 to 2147483647 ms/,
    );
    expect(problems[0]).toContain(`got ${shown}`);
  });
});

describe("values the schema accepts on purpose", () => {
  test.each<[string, Change]>([
    [
      "CONNECTION LIMIT 0 for a login that only runs background jobs",
      (v) => {
        v.roles.cron_app.connectionLimit = 0;
        v.roles.cron_app.services = [];
        delete v.services.cron;
      },
    ],
    ["statement_timeout 0 (no per-role value)", (v) => (v.roles.gateway_app.settings.statement_timeout = 0)],
    ["an IPv6 loopback bind address", (v) => (v.server.bindAddress = "::1")],
    ["a public bind address (the policy pack rejects it, not the schema)", (v) => (v.server.bindAddress = "0.0.0.0")],
    ["an over-budget stack (the policy pack rejects it)", (v) => (v.budget.unmanaged.admin_tools.slots = 90)],
    [
      "an image pinned by digest",
      (v) => (v.server.image = `timescale/timescaledb:2.26.0-pg16@sha256:${"a".repeat(64)}`),
    ],
    ["a HA image tag", (v) => (v.server.image = "timescale/timescaledb-ha:pg16.6-ts2.17.2")],
    [
      "alternating logins with a generation marker and pools within one login's share",
      (v) => {
        v.passwordRotation = "7";
        v.roles.gateway_app.rotation = "alternating";
        v.services.gateway.poolSize = 7;
      },
    ],
    [
      "IN DATABASE lock_timeout and idle_session_timeout (0 = off)",
      (v) =>
        (v.roles.dashboard_app.databaseSettings = { tracksolid_db: { lock_timeout: "1s", idle_session_timeout: 0 } }),
    ],
  ])("%s", (_case, change) => {
    expect(problemsOf(prodWith(change))).toEqual([]);
  });
});
