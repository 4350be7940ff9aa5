// Hostile and careless config: every text field fed what would break a psql line or a URL, duplicates,
// blanks, plaintext secrets and the deployer's own login; each refused at the schema with the key named.
import { describe, expect, test } from "vitest";
import { ConfigError, namespaceValues, parseStackConfig } from "../../src/config/load";
import { hostProblem } from "../../src/config/hosts";
import { databaseUrl } from "../../src/databaseUrl";
import { planFromResources } from "../../src/sql/planFromResources";
import { psqlScript } from "../../src/sql/psqlScript";
import { metaArgument, PsqlTextError, PsqlWriter } from "../../src/sql/psqlWriter";
import { foreignMetaCommands } from "../support/psqlLines";
import { problemsOf, prodWith, stackValues } from "../support/stackConfig";

const INJECTIONS = ['x"\n\\! echo PWNED #', "x\\! echo PWNED", "x\r\\! echo PWNED", "x`id`:var"];

/** Every string leaf and every section key of `values`, as a path. */
function textFields(values: unknown, at: (string | number)[] = []): { path: (string | number)[]; key: boolean }[] {
  if (typeof values === "string") return [{ path: at, key: false }];
  if (Array.isArray(values)) return values.flatMap((item, index) => textFields(item, [...at, index]));
  if (values && typeof values === "object") {
    return Object.entries(values).flatMap(([key, child]) => [
      ...(at.length > 0 &&
      ["databases", "roles", "services", "unmanaged", "databaseSettings"].includes(String(at.at(-1)))
        ? [{ path: [...at, key], key: true }]
        : []),
      ...textFields(child, [...at, key]),
    ]);
  }
  return [];
}

/** prod with every optional text field set too, so each one is fed the injection. */
function fullProd(): Record<string, any> {
  return prodWith((values) => {
    values.admin.host = "127.0.0.1";
    values.services.gateway.host = "gateway-db.internal";
    values.roles.gateway_app.databaseSettings = { fleet_platform: { lock_timeout: "2s" } };
  });
}

function withText(values: Record<string, any>, field: { path: (string | number)[]; key: boolean }, text: string) {
  const copy = structuredClone(values);
  let parent: any = copy;
  for (const part of field.path.slice(0, -1)) parent = parent[part];
  const last = field.path.at(-1)!;
  if (field.key) {
    parent[text] = parent[last];
    delete parent[last];
  } else {
    parent[last] = text;
  }
  return copy;
}

describe("psql meta-command injection", () => {
  const fields = textFields(fullProd());

  test("the walk reaches every kind of text field", () => {
    const paths = fields.map((field) => field.path.join("."));
    for (const expected of [
      "admin.database",
      "admin.username",
      "admin.host",
      "server.image",
      "services.gateway.host",
      "passwordRotation",
      "budget.unmanaged.backups.description",
      "roles",
    ]) {
      expect(
        paths.some((path) => path.startsWith(expected)),
        expected,
      ).toBe(true);
    }
    expect(fields.filter((field) => field.key).length).toBeGreaterThan(10);
  });

  test.each(INJECTIONS.filter((text) => /[\n\r]/.test(text)))(
    "every text field given %j is refused, naming its key, on one line",
    (text) => {
      for (const field of fields) {
        const problems = problemsOf(withText(fullProd(), field, text));
        const where = field.path.join(".");
        expect(problems.length, where).toBeGreaterThan(0);
        for (const problem of problems) expect(problem, where).not.toMatch(/[\n\r]/);
      }
    },
  );

  test.each(INJECTIONS.filter((text) => !/[\n\r]/.test(text)))(
    "given %j, only descriptions (shown in tables, never in SQL) accept it",
    (text) => {
      const accepted = fields
        .filter((field) => problemsOf(withText(fullProd(), field, text)).length === 0)
        .map((field) => field.path.join("."));
      expect(accepted.length).toBeGreaterThan(0);
      for (const path of accepted) expect(path).toMatch(/^budget\.unmanaged\.[a-z_]+\.description$/);
    },
  );

  test("the writer refuses a control character in any meta-command argument, and quotes the rest", () => {
    expect(() => new PsqlWriter().connect('postgres"\n\\! echo PWNED #')).toThrow(PsqlTextError);
    expect(() => new PsqlWriter().connect("host=evil.example dbname=x")).toThrow(/connection string/);
    expect(() => new PsqlWriter().connect("postgresql://evil.example/x")).toThrow(/connection string/);
    expect(() => new PsqlWriter().sql("SELECT 1;\n\\! echo PWNED")).toThrow(/meta-command/);
    expect(metaArgument("a`id`:b\\c'd")).toBe("'a`id`:b\\\\c''d'");
    expect(new PsqlWriter().comment("stack prod\n\\! echo PWNED #").toString()).toBe(
      "-- stack prod\n-- \\! echo PWNED #\n",
    );
    expect(new PsqlWriter().comment("a\rb\u2028c").toString()).toBe("-- a\\x0db\\u2028c\n");
  });

  const hostilePlan = (role: string, database: string) =>
    planFromResources([
      { urn: "urn:p", type: "pulumi:providers:postgresql", name: "p", inputs: {}, dependencies: [] },
      { urn: "urn:r", type: "postgresql:index/role:Role", name: "r", inputs: { name: role }, dependencies: [] },
      {
        urn: "urn:d",
        type: "postgresql:index/database:Database",
        name: "d",
        inputs: { name: database },
        dependencies: [],
      },
      {
        urn: "urn:g",
        type: "postgresql:index/grant:Grant",
        name: "g",
        inputs: { database, role, objectType: "database", privileges: ["CONNECT"] },
        dependencies: ["urn:d", "urn:r"],
      },
    ]);

  test("names with quotes, backticks and :variables reach the script only quoted", () => {
    const script = psqlScript(hostilePlan("r`id`:x", "D`id`:x 'q\"\\! y"), ["stack prod\n\\! echo PWNED #"]);
    expect(foreignMetaCommands(script)).toEqual([]);
    expect(script).toContain("\\connect '\"D`id`:x ''q\"\"\\\\! y\"'\n");
  });

  test("a name with a newline never reaches the script: the writer refuses it", () => {
    expect(() => psqlScript(hostilePlan("r", "d\n\\! echo PWNED"))).toThrow(PsqlTextError);
    expect(() => psqlScript(hostilePlan("r\n\\! echo PWNED", "d"))).toThrow(PsqlTextError);
  });
});

describe("duplicates the engine would refuse", () => {
  test.each([
    [
      "a schema listed twice",
      (v: any) => (v.databases.fleet_platform.schemas = ["auth", "auth"]),
      'fleetdb:databases.fleet_platform.schemas[1]: "auth" is listed twice: list each schema once',
    ],
    [
      "an extension listed twice",
      (v: any) => (v.databases.tracksolid_db.extensions = ["timescaledb", "timescaledb"]),
      'fleetdb:databases.tracksolid_db.extensions[1]: "timescaledb" is listed twice: list each extension once',
    ],
    [
      "an unmanaged database listed twice",
      (v: any) => (v.budget.unmanaged.backups.databases = ["postgres", "postgres"]),
      'fleetdb:budget.unmanaged.backups.databases[1]: "postgres" is listed twice: list each database once',
    ],
    [
      "a group joined twice",
      (v: any) => (v.roles.gateway_app.memberOf = ["fp_rw", "fp_rw"]),
      'fleetdb:roles.gateway_app.memberOf[1]: "fp_rw" is listed twice: list each group once',
    ],
    [
      "two consumers sharing a role",
      (v: any) => (v.budget.unmanaged.admin_tools = { slots: 2, role: "bi_reader", databases: ["tracksolid_db"] }),
      "fleetdb:budget.unmanaged.admin_tools.role: role bi_reader is already the role of unmanaged consumer bi_reader: budget one consumer per role (add up their slots)",
    ],
  ])("%s", (_name, change, message) => {
    expect(problemsOf(prodWith(change))).toEqual([message]);
  });
});

describe("the deployer's own login", () => {
  test.each([
    [
      "a declared role",
      (v: any) => (v.admin.username = "gateway_app"),
      '"gateway_app" is a role this stack declares (roles.gateway_app)',
    ],
    [
      "an alternating login",
      (v: any) => (
        (v.roles.gateway_app.rotation = "alternating"),
        (v.services.gateway.poolSize = 7),
        (v.passwordRotation = "4"),
        (v.admin.username = "gateway_app_b")
      ),
      '"gateway_app_b" is an alternating login of roles.gateway_app',
    ],
    [
      "an unmanaged consumer's role",
      (v: any) => (v.admin.username = "backup"),
      '"backup" is the role of unmanaged consumer backups',
    ],
  ])("may not be %s", (_name, change, clash) => {
    expect(problemsOf(prodWith(change))).toEqual([
      `fleetdb:admin.username: ${clash}: the deployer logs in as a superuser the stack does not manage (the plan would make it NOSUPERUSER and lock the deployer out); use the server's superuser`,
    ]);
  });

  test.each(["postgres", "defaultdb", "tsdbadmin"])("the platform default %s is a valid admin name", (platformName) => {
    expect(problemsOf(prodWith((v) => ((v.admin.username = platformName), (v.admin.database = platformName))))).toEqual(
      [],
    );
  });
});

describe("hosts and URLs", () => {
  test.each([
    ["timescale_db", undefined],
    ["db-1.internal.example", undefined],
    ["10.0.0.5", undefined],
    ["[::1]", undefined],
    ["[fd00::5]", undefined],
    ["::1", "expected an IPv6 address in brackets, such as [::1]"],
    ["[timescale_db]", "expected an IPv6 address inside the brackets"],
    ["999.1.1.1", "expected an IPv4 address such as 10.0.0.5"],
    [
      "timescale_db?sslmode=disable&x=",
      "expected a host name (letters, digits, - and _ in dot-separated labels), an IPv4 address or a bracketed IPv6 address",
    ],
    [
      "evil.example:6543/x?a#",
      "expected a host name (letters, digits, - and _ in dot-separated labels), an IPv4 address or a bracketed IPv6 address",
    ],
    [
      "user@evil.example",
      "expected a host name (letters, digits, - and _ in dot-separated labels), an IPv4 address or a bracketed IPv6 address",
    ],
    [
      "",
      "expected a host name (letters, digits, - and _ in dot-separated labels), an IPv4 address or a bracketed IPv6 address",
    ],
  ])("host %j", (host, problem) => {
    expect(hostProblem(host)).toBe(problem);
  });

  test("a service host that would reshape its DATABASE_URL is refused at the schema", () => {
    expect(problemsOf(prodWith((v) => (v.services.gateway.host = "timescale_db?sslmode=disable&x=")))).toEqual([
      'fleetdb:services.gateway.host: expected a host name (letters, digits, - and _ in dot-separated labels), an IPv4 address or a bracketed IPv6 address, got "timescale_db?sslmode=disable&x="',
    ]);
  });

  test("the URL builder refuses a host the schema would, and reads back every part it built", () => {
    const parts = { username: "u", password: "p@:/#?&=+ x", port: 5432, database: "d b", applicationName: "svc" };
    expect(() => databaseUrl({ ...parts, host: "evil.example:6543/x?" })).toThrow(/host "evil.example:6543\/x\?"/);
    const url = new URL(databaseUrl({ ...parts, host: "[::1]" }));
    expect([decodeURIComponent(url.password), url.hostname, url.port, decodeURIComponent(url.pathname)]).toEqual([
      "p@:/#?&=+ x",
      "[::1]",
      "5432",
      "/d b",
    ]);
  });
});

describe("blank values, markers and the two ways config arrives", () => {
  // What the Pulumi CLI hands the program for a blank or null value is "" (config.Value reads a
  // scalar as text); the offline reader gives the same, so one table runs on both paths.
  test.each([
    ["passwordRotation", "", "fleetdb:passwordRotation: is empty: expected a marker such as 2026-11-22"],
    ["passwordRotation", "null", "fleetdb:passwordRotation: is empty: expected a marker such as 2026-11-22"],
    ["passwordRotation", "   ", "fleetdb:passwordRotation: is empty: expected a marker such as 2026-11-22"],
    [
      "superuserPasswordRotation",
      "",
      "fleetdb:superuserPasswordRotation: is empty: expected a marker such as 2026-11-22",
    ],
    [
      "passwordRotation",
      "[2026]",
      'fleetdb:passwordRotation: expected a marker of letters, digits and . _ : - (at most 64), such as 2026-11-22, got "[2026]"',
    ],
    [
      "superuserPasswordRotation",
      '{"a":1}',
      'fleetdb:superuserPasswordRotation: expected a marker of letters, digits and . _ : - (at most 64), such as 2026-11-22, got "{\\"a\\":1}"',
    ],
    ["services", "", "fleetdb:services: is empty: expected a mapping of services"],
    ["budget", "", "fleetdb:budget: is empty: expected a mapping with deployerMaxConnections"],
    ["server", "embedded", 'fleetdb:server: expected a mapping with mode: embedded or external, got "embedded"'],
  ])("fleetdb:%s given %j", (key, text, message) => {
    const flat = Object.fromEntries(
      Object.entries(stackValues("prod")).map(([name, value]) => [
        `fleetdb:${name}`,
        typeof value === "string" ? value : JSON.stringify(value),
      ]),
    );
    flat[`fleetdb:${key}`] = text;
    expect(messagesOf(() => parseStackConfig(namespaceValues(flat, () => false)))).toEqual([message]);
  });

  test.each([
    ["a plaintext string", "hunter2secret"],
    ["a number", "12345678"],
    ["a mistyped secrue: mapping", '{"secrue":"v1:abc"}'],
  ])("superuserPassword as %s is refused, its value never shown", (_name, text) => {
    const flat = { "fleetdb:superuserPassword": text, "fleetdb:passwordRotation": "1" };
    const [message] = messagesOf(() => namespaceValues(flat, () => false));
    expect(message).toBe(
      "fleetdb:superuserPassword: must be a secret, and this value is plain text (or not a secure: value): set it with `pulumi config set --secret superuserPassword` and remove the plain one; the value is not shown",
    );
    expect(message).not.toContain(text);
  });

  test("a secret superuserPassword is kept as text, never parsed", () => {
    expect(namespaceValues({ "fleetdb:superuserPassword": "[x" }, () => true)).toEqual({ superuserPassword: "[x" });
  });
});

describe("messages name the key, the value and what is allowed", () => {
  test.each([
    [
      "a major outside 15-18",
      (v: any) => (v.server.postgresMajorVersion = 14),
      "fleetdb:server.postgresMajorVersion: expected one of 15, 16, 17, 18, got 14",
    ],
    [
      "a boolean timeout",
      (v: any) => (v.roles.cron_app.settings.lock_timeout = true),
      "fleetdb:roles.cron_app.settings.lock_timeout: expected milliseconds (an integer) or a string with a unit (us, ms, s, min, h, d), from 0 to 2147483647 ms; got true",
    ],
    [
      "a null timeout",
      (v: any) => (v.roles.cron_app.settings.lock_timeout = null),
      "fleetdb:roles.cron_app.settings.lock_timeout: is empty: expected milliseconds (an integer) or a string with a unit (us, ms, s, min, h, d), from 0 to 2147483647 ms; got null",
    ],
    [
      "a limit of -2",
      (v: any) => (v.roles.cron_app.connectionLimit = -2),
      "fleetdb:roles.cron_app.connectionLimit: expected an integer >= 0, got -2",
    ],
    [
      "a limit of -1",
      (v: any) => (v.roles.cron_app.connectionLimit = -1),
      "fleetdb:roles.cron_app.connectionLimit: a login role needs a hard CONNECTION LIMIT: expected an integer >= 0 (0 for a login that only runs background jobs), got -1",
    ],
    [
      "a network named host",
      (v: any) => (v.server.network = "host"),
      "fleetdb:server.network: \"host\" is one of docker's own networks (host, none, bridge): name a network of the stack's own",
    ],
    [
      "a login joining the owner group",
      (v: any) => (v.roles.gateway_app.memberOf = ["fleet_owner"]),
      "fleetdb:roles.gateway_app.memberOf[0]: \"fleet_owner\" owns fleet_platform's schemas: a login that joins it can run any DDL there (migrations run as it at deploy time); join a read or readwrite group, or make this role the database's owner",
    ],
  ])("%s", (_name, change, message) => {
    expect(problemsOf(prodWith(change))).toEqual([message]);
  });
});

function messagesOf(run: () => unknown): string[] {
  try {
    run();
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}
