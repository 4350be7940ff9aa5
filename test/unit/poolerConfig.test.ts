// The pooler's pure parts: the ini and userlist writers with hostile names, the rendered ini, the config rules.
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { namespaceValues, parseStackConfig } from "../../src/config/load";
import { renderPgbouncerIni, renderUserlist } from "../../src/pooler/pgbouncerConfig";
import { PgbouncerIniError, writePgbouncerIni } from "../../src/pooler/pgbouncerIni";
import { lookupBody } from "../../src/pooler/lookupFunction";
import { poolerPlan } from "../../src/pooler/poolerPlan";
import { UserlistError, writeUserlist } from "../../src/pooler/userlist";
import { readStackFile } from "../../tools/lib/stackFile";
import { problemsOf } from "../support/stackConfig";

const POOLED = path.join(__dirname, "..", "fixtures", "pooled.yaml");

function pooledValues(): Record<string, any> {
  const file = readStackFile(POOLED);
  return structuredClone(namespaceValues(file.config, (key) => file.secretKeys.includes(key))) as Record<string, any>;
}
function pooledWith(change: (values: Record<string, any>) => void): Record<string, any> {
  const values = pooledValues();
  change(values);
  return values;
}
const placement = {
  serverHost: "timescale_db",
  serverPort: 5432,
  listenAddr: "0.0.0.0",
  listenPort: 6432,
  authFile: "/etc/pgbouncer/userlist.txt",
};

describe("the userlist writer", () => {
  test.each([
    ["plain", "fleetdb_pooler", "s3cret", '"fleetdb_pooler" "s3cret"\n'],
    ["quotes doubled", 'we"ird', 'pa"ss""', '"we""ird" "pa""ss"""""\n'],
    ["semicolons and spaces kept", "a b;c", "x;y z", '"a b;c" "x;y z"\n'],
    ["unicode", "rôle", "pässwörd", '"rôle" "pässwörd"\n'],
  ])("%s", (_case, name, secret, expected) => {
    expect(writeUserlist([{ name, secret }])).toBe(expected);
  });

  test.each([
    [
      "a newline in the name",
      'evil\n"postgres" "x',
      "s",
      "userlist entry 1: the name is empty or holds a control character or line break",
    ],
    [
      "a carriage return in the secret",
      "app",
      "pw\r",
      "userlist entry 1: the secret is empty or holds a control character or line break",
    ],
    ["an empty secret", "app", "", "userlist entry 1: the secret is empty or holds a control character or line break"],
    ["a NUL", "app\u0000", "s", "userlist entry 1: the name is empty or holds a control character or line break"],
    [
      "a unicode line separator",
      "app",
      "a\u2028b",
      "userlist entry 1: the secret is empty or holds a control character or line break",
    ],
  ])("refuses %s, never showing the secret", (_case, name, secret, message) => {
    expect(() => writeUserlist([{ name, secret }])).toThrow(new UserlistError(message));
  });
});

describe("the pgbouncer.ini writer", () => {
  const write = (key: string, value: string | number | [string, string | number][]) =>
    writePgbouncerIni("h", [{ name: "pgbouncer", entries: [[key, value]] }]);

  test("writes sections, an empty value and connection strings", () => {
    expect(
      writePgbouncerIni("line one\nline two", [
        {
          name: "databases",
          entries: [
            [
              "db.login",
              [
                ["host", "h"],
                ["port", 5432],
              ],
            ],
          ],
        },
        {
          name: "pgbouncer",
          entries: [
            ["unix_socket_dir", ""],
            ["server_reset_query", "DISCARD ALL"],
          ],
        },
      ]),
    ).toBe(
      "; line one\n; line two\n\n[databases]\ndb.login = host=h port=5432\n\n[pgbouncer]\nunix_socket_dir =\nserver_reset_query = DISCARD ALL\n",
    );
  });

  test.each([
    [
      "a newline in a value",
      "auth_query",
      "SELECT 1\nadmin_users = x",
      'pgbouncer.ini auth_query: value "SELECT 1\\x0aadmin_users \\x3d x" holds a newline, ; # = \\ a quote or edge spaces, which PgBouncer would misread',
    ],
    [
      "a ; in a value",
      "admin_users",
      "a;b",
      'pgbouncer.ini admin_users: value "a;b" holds a newline, ; # = \\ a quote or edge spaces, which PgBouncer would misread',
    ],
    [
      "an = in a value",
      "admin_users",
      "a=b",
      'pgbouncer.ini admin_users: value "a=b" holds a newline, ; # = \\ a quote or edge spaces, which PgBouncer would misread',
    ],
    [
      "a quote in a value",
      "admin_users",
      "a'b",
      'pgbouncer.ini admin_users: value "a\'b" holds a newline, ; # = \\ a quote or edge spaces, which PgBouncer would misread',
    ],
    [
      "a leading space",
      "admin_users",
      " a",
      'pgbouncer.ini admin_users: value " a" holds a newline, ; # = \\ a quote or edge spaces, which PgBouncer would misread',
    ],
    [
      "a quoted name",
      'x"y',
      "1",
      'pgbouncer.ini [pgbouncer]: name "x"y" is not one PgBouncer reads as a name (letters, digits, _ . -, at most 63)',
    ],
    [
      "an upper-case unicode name",
      "RÔLE",
      "1",
      'pgbouncer.ini [pgbouncer]: name "RÔLE" is not one PgBouncer reads as a name (letters, digits, _ . -, at most 63)',
    ],
    [
      "a name with =",
      "a=b",
      "1",
      'pgbouncer.ini [pgbouncer]: name "a=b" is not one PgBouncer reads as a name (letters, digits, _ . -, at most 63)',
    ],
  ])("refuses %s", (_case, key, value, message) => {
    expect(() => write(key, value)).toThrow(new PgbouncerIniError(message.replace("\\x3d", "=")));
  });

  test.each([
    [
      "a space in a pair",
      "h st",
      'pgbouncer.ini db: host "h st" is empty or holds whitespace, ; # = \\ or a quote, which would change the line\'s shape',
    ],
    [
      "an = in a pair",
      "h=x",
      'pgbouncer.ini db: host "h=x" is empty or holds whitespace, ; # = \\ or a quote, which would change the line\'s shape',
    ],
    [
      "a quote in a pair",
      "h'",
      "pgbouncer.ini db: host \"h'\" is empty or holds whitespace, ; # = \\ or a quote, which would change the line's shape",
    ],
    [
      "an empty pair",
      "",
      'pgbouncer.ini db: host "" is empty or holds whitespace, ; # = \\ or a quote, which would change the line\'s shape',
    ],
    [
      "a newline in a pair",
      "h\nx",
      'pgbouncer.ini db: host "h\\x0ax" is empty or holds whitespace, ; # = \\ or a quote, which would change the line\'s shape',
    ],
  ])("refuses %s of a connection string", (_case, host, message) => {
    expect(() => write("db", [["host", host]])).toThrow(new PgbouncerIniError(message));
  });
});

describe("the rendered pooler config of the pooled fixture", () => {
  const plan = poolerPlan(parseStackConfig(pooledValues()))!;

  test("session pooling, caps per login, auth_query, the console for the pooler's login", () => {
    expect(renderPgbouncerIni(plan, placement)).toBe(
      [
        "; Rendered by fleetdb (docs/pooler.md): changes belong in the stack's config.",
        "",
        "[databases]",
        "tracksolid_db.tracksolid_owner = host=timescale_db port=5432 dbname=tracksolid_db pool_size=28 max_db_connections=28",
        "tracksolid_db.dashboard_app = host=timescale_db port=5432 dbname=tracksolid_db pool_size=7 max_db_connections=7",
        "fleet_platform.gateway_app = host=timescale_db port=5432 dbname=fleet_platform pool_size=14 max_db_connections=14",
        "fleet_platform.cron_app = host=timescale_db port=5432 dbname=fleet_platform pool_size=4 max_db_connections=4",
        "",
        "[users]",
        "fleetdb_pooler = max_user_connections=2",
        "",
        "[pgbouncer]",
        "listen_addr = 0.0.0.0",
        "listen_port = 6432",
        "unix_socket_dir =",
        "auth_type = scram-sha-256",
        "auth_file = /etc/pgbouncer/userlist.txt",
        "auth_user = fleetdb_pooler",
        "auth_query = SELECT usename, passwd FROM fleetdb_pooler.user_lookup($1)",
        "pool_mode = session",
        "server_reset_query = DISCARD ALL",
        "server_reset_query_always = 0",
        "server_login_retry = 3",
        "max_client_conn = 500",
        "query_wait_timeout = 60",
        "admin_users = fleetdb_pooler",
        "stats_users = fleetdb_pooler",
        "ignore_startup_parameters = extra_float_digits",
        "",
      ].join("\n"),
    );
  });

  test("the userlist holds the pooler's own login only", () => {
    expect(renderUserlist(plan, "p0olerPassw0rd")).toBe('"fleetdb_pooler" "p0olerPassw0rd"\n');
  });

  test("each service names its login's pooler database", () => {
    expect(Object.fromEntries(plan.serviceAliases)).toEqual({
      webhook_receiver: "tracksolid_db.tracksolid_owner",
      ingest_worker: "tracksolid_db.tracksolid_owner",
      worker: "tracksolid_db.tracksolid_owner",
      dashboard_api: "tracksolid_db.dashboard_app",
      gateway: "fleet_platform.gateway_app",
      cron: "fleet_platform.cron_app",
    });
  });

  test("alternating roles: both logins are served, each with its share's cap, so a rotation changes no file", () => {
    const alternating = poolerPlan(
      parseStackConfig(
        pooledWith((v) => {
          v.roles.gateway_app.rotation = "alternating";
          v.passwordRotation = "4";
          v.services.gateway.poolSize = 6;
        }),
      ),
    )!;
    expect(alternating.logins.filter((login) => login.role === "gateway_app").map((login) => login.cap)).toEqual([
      { login: "gateway_app_a", maxConnections: 7, directSlots: 0, margin: 1 },
      { login: "gateway_app_b", maxConnections: 6, directSlots: 0, margin: 1 },
    ]);
  });

  test("the lookup answers only the pooled logins, with every name and operator qualified", () => {
    expect(lookupBody(["app", "o'hara"])).toBe(
      [
        "SELECT r.rolname,",
        "       CASE WHEN r.rolvaliduntil OPERATOR(pg_catalog.<) pg_catalog.now() THEN NULL ELSE r.rolpassword END",
        "  FROM pg_catalog.pg_authid AS r",
        " WHERE r.rolname OPERATOR(pg_catalog.=) i_username",
        "   AND r.rolcanlogin AND NOT r.rolsuper",
        "   AND r.rolname OPERATOR(pg_catalog.=) ANY (ARRAY['app', 'o''hara']::pg_catalog.name[])",
      ].join("\n"),
    );
  });
});

describe("fleetdb:pooler is checked against the rest of the config", () => {
  test("the pooled fixture is valid, and a stack without the pooler has none", () => {
    expect(problemsOf(pooledValues())).toEqual([]);
    expect(poolerPlan(parseStackConfig(pooledWith((v) => delete v.pooler)))).toBeUndefined();
  });

  test("a pooler in mode external is refused, naming the key", () => {
    const file = readStackFile(path.join(__dirname, "..", "fixtures", "external.yaml"));
    const values = structuredClone(namespaceValues(file.config, (key) => file.secretKeys.includes(key))) as Record<
      string,
      any
    >;
    values.pooler = pooledValues().pooler;
    expect(problemsOf(values)).toEqual([
      "fleetdb:pooler: the pooler runs only beside the container of server.mode embedded, got server.mode external: remove fleetdb:pooler, or run a pooler the platform offers",
    ]);
  });

  test.each<[string, (v: Record<string, any>) => void, string[]]>([
    [
      "an undeclared service",
      (v) => v.pooler.services.push("nobody"),
      ['fleetdb:pooler.services[6]: service "nobody" is not declared under fleetdb:services'],
    ],
    [
      "a pooled service with its own host",
      (v) => (v.services.gateway.host = "db.internal"),
      [
        'fleetdb:pooler.services[4]: service "gateway" sets services.gateway.host or .port, but a pooled service\'s DATABASE_URL points at the pooler: drop them, or take it off the pooler',
      ],
    ],
    [
      "a role with no pooled service",
      (v) => (v.pooler.services = ["gateway"]),
      [
        'fleetdb:pooler.roles.tracksolid_owner: role "tracksolid_owner" has no service in pooler.services: list one, or drop the role',
      ],
    ],
    [
      "direct slots that leave no cap",
      (v) => (v.pooler.roles.tracksolid_owner.directSlots = 29),
      [
        "fleetdb:pooler.roles.tracksolid_owner.directSlots: login tracksolid_owner has CONNECTION LIMIT 30; 29 direct slots and a margin of 1 leave the pooler 0 connections: lower directSlots or raise connectionLimit",
      ],
    ],
    [
      "a pooler login named after an app role",
      (v) => (v.pooler.login.name = "gateway_app"),
      [
        'fleetdb:pooler.login.name: "gateway_app" is already a login of this stack or its server: name the pooler\'s own',
      ],
    ],
    [
      "a pooler login named after an unmanaged consumer's role",
      (v) => (v.pooler.login.name = "backup"),
      ['fleetdb:pooler.login.name: "backup" is already a login of this stack or its server: name the pooler\'s own'],
    ],
    [
      "a public bind address",
      (v) => (v.pooler.bindAddress = "0.0.0.0"),
      [
        'fleetdb:pooler.bindAddress: expected a loopback address (127.0.0.1 or ::1): the pooler is published on loopback or not at all, got "0.0.0.0"',
      ],
    ],
    [
      "an unpinned image",
      (v) => (v.pooler.image = "edoburu/pgbouncer:latest"),
      [
        'fleetdb:pooler.image: expected an image pinned to a version such as edoburu/pgbouncer:v1.25.2-p0 (or a digest): "edoburu/pgbouncer:latest" uses the moving tag latest',
      ],
    ],
    ["an unknown key", (v) => (v.pooler.poolMode = "transaction"), ["fleetdb:pooler.poolMode: unknown key"]],
    [
      "no services",
      (v) => delete v.pooler.services,
      ["fleetdb:pooler.services: required: expected a list of services"],
    ],
  ])("refuses %s", (_case, change, problems) => {
    expect(problemsOf(pooledWith(change))).toEqual(problems);
  });
});
