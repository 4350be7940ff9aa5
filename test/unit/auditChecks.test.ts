// The audit's checks over a small declared model and live catalog: one change per case, the exact findings.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { computeBudget } from "../../policies/core/connectionBudget";
import { audit } from "../../src/audit/audit";
import { declaredModel, type DeclaredResource } from "../../src/audit/declared";
import { downgrade, fails, finding, KINDS, type Finding } from "../../src/audit/findings";
import type { AclEntry, LiveCatalog } from "../../src/audit/liveCatalog";
import { normalizeSetting } from "../../src/audit/settingChecks";

const acl = (grantee: string, ...privileges: string[]): AclEntry[] =>
  privileges.map((privilege) => ({ grantee, privilege, grantable: false }));
const off = {
  superuser: false,
  createDatabase: false,
  createRole: false,
  replication: false,
  bypassRowLevelSecurity: false,
  inherit: true,
};

const RESOURCES: DeclaredResource[] = [
  { type: "pulumi:providers:postgresql", name: "admin-provider", inputs: { username: "postgres" } },
  { type: "postgresql:index/role:Role", name: "grp-role", inputs: { name: "grp", login: false, ...off, roles: [] } },
  {
    type: "postgresql:index/role:Role",
    name: "owner-role",
    inputs: { name: "owner", login: false, ...off, roles: [] },
  },
  {
    type: "postgresql:index/role:Role",
    name: "app-role",
    inputs: { name: "app", login: true, ...off, connectionLimit: 5, roles: ["grp"], statementTimeout: 30000 },
  },
  { type: "postgresql:index/database:Database", name: "db1-database", inputs: { name: "db1" } },
  { type: "postgresql:index/schema:Schema", name: "s1", inputs: { name: "s1", database: "db1", owner: "owner" } },
  {
    type: "postgresql:index/grant:Grant",
    name: "g1",
    inputs: { database: "db1", objectType: "database", role: "grp", privileges: ["CONNECT"] },
  },
  {
    type: "postgresql:index/grant:Grant",
    name: "g2",
    inputs: { database: "db1", objectType: "database", role: "public", privileges: [] },
  },
  {
    type: "postgresql:index/grant:Grant",
    name: "g3",
    inputs: { database: "db1", objectType: "schema", schema: "s1", role: "grp", privileges: ["USAGE"] },
  },
  {
    type: "postgresql:index/grant:Grant",
    name: "g4",
    inputs: { database: "db1", objectType: "table", schema: "s1", role: "grp", privileges: ["SELECT"] },
  },
  {
    type: "postgresql:index/defaultPrivileges:DefaultPrivileges",
    name: "d1",
    inputs: { database: "db1", owner: "owner", schema: "s1", objectType: "table", role: "grp", privileges: ["SELECT"] },
  },
  {
    type: "pulumi-nodejs:dynamic:Resource",
    name: "app-lock",
    inputs: { fleetdbKind: "role-setting", role: "app", setting: "lock_timeout", value: 5000 },
  },
];
const BUDGET = computeBudget({
  maxConnections: 20,
  superuserReservedConnections: 3,
  reservedConnections: 0,
  loginRoles: [{ name: "app", connectionLimit: 5 }],
  unmanaged: [{ name: "bi", slots: 2 }],
  deployers: [],
  dynamicConnections: 1,
});
const MODEL = declaredModel(
  RESOURCES,
  { serviceRoles: { svc: { role: "app", login: "app" } }, connectionBudget: BUDGET },
  { unmanaged: [{ name: "bi", slots: 2, role: "bi" }], match: {} },
);

const role = (name: string, fields: Partial<LiveCatalog["roles"][number]> = {}) => ({
  name,
  superuser: false,
  inherit: true,
  createRole: false,
  createDatabase: false,
  login: false,
  replication: false,
  bypassRowLevelSecurity: false,
  connectionLimit: -1,
  memberOf: [] as string[],
  ...fields,
});
const session = (user: string, applicationName: string, superuser = false) => ({
  pid: 1,
  user,
  database: "db1",
  applicationName,
  clientAddress: "10.0.0.5",
  backendType: "client backend",
  superuser,
});

/** A live server exactly as declared. */
function inSync(): LiveCatalog {
  return {
    user: "postgres",
    superuser: true,
    readAllStats: true,
    readAuthid: true,
    server: { maxConnections: 20, superuserReservedConnections: 3, reservedConnections: 0 },
    roles: [
      role("postgres", { superuser: true, login: true }),
      role("app", { login: true, connectionLimit: 5, memberOf: ["grp"] }),
      role("grp"),
      role("owner"),
      role("bi", { login: true, connectionLimit: 5 }),
      role("pg_monitor", { memberOf: ["pg_read_all_stats"] }),
      role("pg_read_all_stats"),
    ],
    settings: [{ role: "app", database: null, setconfig: ["statement_timeout=30s", "lock_timeout=5000"] }],
    sessions: [session("app", "svc")],
    passwords: [
      { role: "app", kind: "scram" },
      { role: "postgres", kind: "scram" },
    ],
    databases: [
      {
        name: "db1",
        owner: "postgres",
        allowConnections: true,
        acl: [...acl("postgres", "CONNECT", "CREATE"), ...acl("grp", "CONNECT")],
      },
    ],
    visited: [
      {
        name: "db1",
        schemas: [{ name: "s1", owner: "owner", acl: [...acl("owner", "USAGE", "CREATE"), ...acl("grp", "USAGE")] }],
        objects: [
          {
            schema: "s1",
            name: "t",
            kind: "table",
            aclClass: "table",
            arguments: null,
            owner: "owner",
            acl: acl("grp", "SELECT"),
          },
          {
            schema: "s1",
            name: "f",
            kind: "function",
            aclClass: "function",
            arguments: "integer",
            owner: "owner",
            acl: acl("public", "EXECUTE"),
          },
        ],
        defaultAcls: [{ owner: "owner", schema: "s1", objectType: "r", acl: acl("grp", "SELECT") }],
      },
    ],
    notVisited: [],
    unread: [],
  };
}

const notInfo = (findings: Finding[]) => findings.filter((item) => item.severity !== "info");
const db1 = (live: LiveCatalog) => live.visited[0];

describe("the checks", () => {
  test("in sync: only the cutover row, as information", () => {
    const report = audit(MODEL, inSync());
    expect(report.findings).toEqual([
      finding(
        "service-cutover",
        { object: "service svc", live: "done: 1 as app", declared: "connects as app", fix: "nothing: cut over" },
        "info",
      ),
    ]);
    expect(report.skipped).toEqual([]);
  });

  test.each<[string, (live: LiveCatalog) => void, Finding[]]>([
    [
      "a login's limit removed",
      (live) => (live.roles[1].connectionLimit = -1),
      [
        finding("role-drift", {
          object: "role app",
          live: "CONNECTION LIMIT -1",
          declared: "CONNECTION LIMIT 5",
          fix: 'ALTER ROLE "app" CONNECTION LIMIT 5',
        }),
        finding("unbounded-login", {
          object: "role app",
          live: "no CONNECTION LIMIT (-1)",
          declared: "5 slots",
          fix: 'ALTER ROLE "app" CONNECTION LIMIT 5',
        }),
      ],
    ],
    [
      "a group made a member of the superuser",
      (live) => live.roles[2].memberOf.push("postgres"),
      [
        finding("elevated-role", {
          object: "role app",
          live: "member of postgres (through grp)",
          declared: "not a member of postgres",
          fix: 'REVOKE "grp" FROM "app"',
        }),
        finding("elevated-role", {
          object: "role grp",
          live: "member of postgres",
          declared: "not a member of postgres",
          fix: 'REVOKE "postgres" FROM "grp"',
        }),
        finding("role-drift", {
          object: "role grp",
          live: "member of postgres",
          declared: "no memberships",
          fix: 'REVOKE "postgres" FROM "grp"',
        }),
      ],
    ],
    [
      "a login in pg_monitor that is not the stack's auditor",
      (live) => live.roles[4].memberOf.push("pg_monitor"),
      [
        finding("elevated-role", {
          object: "role bi",
          live: "member of pg_monitor",
          declared: "not a member of pg_monitor",
          fix: 'REVOKE "pg_monitor" FROM "bi"',
        }),
        finding("elevated-role", {
          object: "role bi",
          live: "member of pg_read_all_stats (through pg_monitor)",
          declared: "not a member of pg_read_all_stats",
          fix: 'REVOKE "pg_monitor" FROM "bi"',
        }),
      ],
    ],
    [
      "an undeclared login",
      (live) => live.roles.push(role("etl", { login: true, connectionLimit: 2 })),
      [
        finding("undeclared-role", {
          object: "role etl",
          live: "LOGIN, CONNECTION LIMIT 2",
          declared: "not declared, and no unmanaged consumer names it",
          fix: 'declare it under fleetdb:budget.unmanaged (its slots and role), or DROP ROLE "etl" once nothing uses it',
        }),
      ],
    ],
    [
      "an MD5 password",
      (live) => (live.passwords![0].kind = "md5"),
      [
        finding("password-encryption", {
          object: "role app",
          live: "an MD5 hash",
          declared: "a SCRAM-SHA-256 verifier",
          fix: "set its password again with password_encryption = 'scram-sha-256' (managed roles: npm run passwords)",
        }),
      ],
    ],
    [
      "a setting changed, and one set that the stack does not declare",
      (live) => (live.settings[0].setconfig = ["statement_timeout=45s", "lock_timeout=5000", "work_mem=64MB"]),
      [
        finding("setting-drift", {
          object: "role app",
          live: "statement_timeout = 45s",
          declared: "statement_timeout = 30s",
          fix: 'ALTER ROLE "app" SET "statement_timeout" = 30000',
        }),
        finding("setting-drift", {
          object: "role app",
          live: "work_mem = 64MB",
          declared: "work_mem not set",
          fix: 'ALTER ROLE "app" RESET "work_mem"',
        }),
      ],
    ],
    [
      "PUBLIC given SELECT on future tables",
      (live) => db1(live).defaultAcls[0].acl.push(...acl("public", "SELECT")),
      [
        finding("privilege-drift", {
          object: "default privileges on tables owner creates in schema s1 in db1, grantee PUBLIC",
          live: "SELECT",
          declared: "none",
          fix: 'ALTER DEFAULT PRIVILEGES FOR ROLE "owner" IN SCHEMA "s1" REVOKE SELECT ON TABLES FROM PUBLIC',
        }),
      ],
    ],
    [
      "a grant missing on a function's PUBLIC default, and TRUNCATE given to the group",
      (live) => {
        db1(live).objects[1].acl = [];
        db1(live).objects[0].acl.push(...acl("grp", "TRUNCATE"));
      },
      [
        finding("privilege-drift", {
          object: "function s1.f(integer) in db1, grantee PUBLIC",
          live: "none",
          declared: "EXECUTE",
          fix: 'GRANT EXECUTE ON FUNCTION "s1"."f"(integer) TO PUBLIC',
        }),
        finding("privilege-drift", {
          object: "table s1.t in db1, grantee grp",
          live: "SELECT, TRUNCATE",
          declared: "SELECT",
          fix: 'REVOKE TRUNCATE ON TABLE "s1"."t" FROM "grp"',
        }),
      ],
    ],
    [
      "a table owned by the superuser",
      (live) => (db1(live).objects[0].owner = "postgres"),
      [
        finding("wrong-owner", {
          object: "table s1.t in db1",
          live: "owned by postgres",
          declared: "owned by owner",
          fix: 'ALTER TABLE "s1"."t" OWNER TO "owner"',
        }),
      ],
    ],
    [
      "a TimescaleDB policy job owned by the superuser",
      (live) =>
        (db1(live).jobs = [
          {
            jobId: 1000,
            owner: "postgres",
            procSchema: "_timescaledb_functions",
            procName: "policy_retention",
            hypertableSchema: "s1",
            hypertableName: "t",
          },
        ]),
      [
        finding("wrong-owner", {
          object: "TimescaleDB job 1000 (policy_retention on s1.t) in db1",
          live: "owned by postgres",
          declared: "owned by owner",
          fix: 'ALTER TABLE (or MATERIALIZED VIEW) s1.t OWNER TO "owner": TimescaleDB 2.26+ moves its jobs; older releases: drop and re-add the policy as owner',
        }),
      ],
    ],
    [
      "the service half back on the superuser",
      (live) => live.sessions.push(session("postgres", "svc", true)),
      [
        finding("service-cutover", {
          object: "service svc",
          live: "partly: 1 as app, 1 as postgres",
          declared: "connects as app",
          fix: "point its DATABASE_URL at the stack's databaseUrls.svc and restart it",
        }),
        finding("superuser-session", {
          object: 'sessions as postgres (application_name "svc", from 10.0.0.5)',
          live: "1 client backend",
          declared: "no service or tool logs in as a superuser",
          fix: "move the service to its declared login (its DATABASE_URL from the stack outputs); close admin tools",
        }),
      ],
    ],
    [
      "max_connections not what the stack pins",
      (live) => (live.server.maxConnections = 25),
      [
        finding(
          "sessions",
          {
            object: "server setting max_connections",
            live: "25",
            declared: "20",
            fix: "the server command pins it (-c max_connections=20): recreate the container with pulumi up, or change the stack",
          },
          "error",
        ),
      ],
    ],
    [
      "an unmanaged consumer over its slots",
      (live) => live.sessions.push(...[1, 2, 3].map(() => session("bi", "metabase"))),
      [
        finding("sessions", {
          object: "unmanaged consumer bi",
          live: "3 client backends",
          declared: "2 slots",
          fix: "raise fleetdb:budget.unmanaged.bi.slots (the policy pack checks the total) or bound it with a CONNECTION LIMIT",
        }),
      ],
    ],
  ])("%s", (_case, change, expected) => {
    const live = inSync();
    change(live);
    expect(notInfo(audit(MODEL, live).findings)).toEqual(expected);
  });

  test("without pg_authid or other users' sessions, those checks are skipped and say why", () => {
    const live = {
      ...inSync(),
      user: "peeker",
      superuser: false,
      readAllStats: false,
      readAuthid: false,
      passwords: undefined,
    };
    live.sessions.push(session("postgres", "svc", true));
    const report = audit(MODEL, live);
    const stats =
      "seeing other users' sessions needs pg_read_all_stats (pg_monitor) or a superuser; the audit ran as peeker";
    expect(report.skipped).toEqual([
      { check: "superuser-session", reason: stats },
      { check: "service-cutover", reason: stats },
      { check: "sessions (per role, per consumer, total)", reason: stats },
      { check: "password-encryption", reason: "reading pg_authid needs a superuser; the audit ran as peeker" },
    ]);
    expect(report.findings).toEqual([]);
    expect(report.cutover).toEqual([]);
  });
});

describe("severities", () => {
  const error = finding("superuser-session", { object: "o", live: "l", declared: "d", fix: "f" });
  const warning = finding("undeclared-role", { object: "o", live: "l", declared: "d", fix: "f" });
  test.each<[Finding[], "error" | "warning", boolean]>([
    [[], "error", false],
    [[warning], "error", false],
    [[warning], "warning", true],
    [[error], "error", true],
    [[finding("service-cutover", { object: "o", live: "l", declared: "d", fix: "f" }, "info")], "warning", false],
  ])("%j fails at %s: %s", (findings, failOn, expected) => {
    expect(fails(findings, failOn)).toBe(expected);
  });

  test("a downgrade lowers only the named kinds, to information", () => {
    expect(downgrade([error, warning], new Set(["superuser-session"] as const)).map((item) => item.severity)).toEqual([
      "info",
      "warning",
    ]);
  });
});

test.each([
  ["statement_timeout", "30s", "30000"],
  ["statement_timeout", "30000", "30000"],
  ["lock_timeout", "1min", "60000"],
  ["idle_session_timeout", "0", "0"],
  ["role", "tracksolid_owner", "tracksolid_owner"],
  ["work_mem", "64MB", "64MB"],
])("setting %s = %s compares as %s", (setting, value, normalized) => {
  expect(normalizeSetting(setting, value)).toBe(normalized);
});

test("docs/audit.md's table of kinds lists every kind with its default severity", () => {
  const text = readFileSync(path.join(__dirname, "..", "..", "docs", "audit.md"), "utf8");
  const rows = [...text.matchAll(/^\| `([a-z-]+)` +\| (error|warning|info) +\|/gm)].map(([, kind, severity]) => [
    kind,
    severity,
  ]);
  expect(rows).toEqual(Object.entries(KINDS).map(([kind, { severity }]) => [kind, severity]));
});
