// The audit against a server built like today's live one: services as postgres, objects owned by postgres, open doors.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Client } from "pg";
import { catalogSnapshot } from "../support/catalogSnapshot";
import { auditJson, hold, prodConfigWith, settle, summary } from "../support/auditRun";
import { freePort, startServer, type TestServer } from "../support/embeddedServer";
import { runTool } from "../support/runTool";

const UNREACHABLE_EXIT = 3;

let server: TestServer;
let config: string;
const sessions: Client[] = [];
/** The six services as they connect today: as postgres; worker sets an application_name of its own. */
const SERVICES: [service: string, database: string, applicationName: string][] = [
  ["webhook_receiver", "tracksolid_db", "webhook_receiver"],
  ["ingest_worker", "tracksolid_db", "ingest_worker"],
  ["worker", "tracksolid_db", "node-worker"],
  ["dashboard_api", "tracksolid_db", "dashboard_api"],
  ["gateway", "fleet_platform", "gateway"],
  ["cron", "fleet_platform", "cron"],
];
const FLEET_SCHEMAS = ["auth", "domain", "events", "geo", "ops", "serve", "slo", "state"];

beforeAll(async () => {
  server = await startServer({ log_connections: "on" });
  await server.query("CREATE DATABASE tracksolid_db");
  await server.query("CREATE DATABASE fleet_platform");
  await server.query(
    `CREATE SCHEMA tracksolid; CREATE SCHEMA reporting;
     CREATE TABLE tracksolid.position_history (id bigserial PRIMARY KEY, at timestamptz);
     CREATE SEQUENCE tracksolid.ticket_numbers;
     CREATE VIEW reporting.v_trips AS SELECT id FROM tracksolid.position_history;
     CREATE FUNCTION reporting.trip_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM tracksolid.position_history'`,
    "tracksolid_db",
  );
  await server.query("CREATE SCHEMA auth; CREATE TABLE auth.sessions (id int)", "fleet_platform");
  await server.query("CREATE ROLE bi_reader LOGIN PASSWORD 'bi-secret'");
  await server.query("CREATE ROLE legacy_etl LOGIN PASSWORD 'etl-secret' CONNECTION LIMIT 3");
  config = prodConfigWith("  fleetdb:audit:\n    match:\n      worker:\n        applicationName: node-worker\n");
  for (const [, database, applicationName] of SERVICES)
    sessions.push(await hold(server.config(database), applicationName));
  await settle(server, SERVICES.length);
}, 180_000);

afterAll(async () => {
  for (const session of sessions) await session.end();
  await server?.stop();
});

describe("before the first up", () => {
  test("every problem is reported with its kind, the catalog is untouched, and it exits 1", async () => {
    const before = await catalogSnapshot(server);
    const result = await auditJson(["--config-file", config, "--url", server.url]);
    expect(await catalogSnapshot(server)).toEqual(before);
    expect(result.code).toBe(1);
    expect(summary(result.json.findings)).toEqual(
      [
        ...SERVICES.map(
          ([, , app]) => `superuser-session sessions as postgres (application_name "${app}", from 127.0.0.1)`,
        ),
        ...SERVICES.map(([service]) => `service-cutover service ${service}`),
        "unbounded-login role bi_reader",
        ...["cron_app", "dashboard_app", "fleet_owner", "fp_rw", "gateway_app", "tracksolid_owner", "ts_read"].map(
          (role) => `role-drift role ${role}`,
        ),
        ...["fleet_platform", "postgres", "template1", "tracksolid_db"].map(
          (db) => `privilege-drift database ${db}, grantee PUBLIC`,
        ),
        "wrong-owner schema tracksolid in tracksolid_db",
        "wrong-owner schema reporting in tracksolid_db",
        "wrong-owner table tracksolid.position_history in tracksolid_db",
        "wrong-owner sequence tracksolid.ticket_numbers in tracksolid_db",
        "wrong-owner view reporting.v_trips in tracksolid_db",
        "wrong-owner function reporting.trip_count() in tracksolid_db",
        "wrong-owner table auth.sessions in fleet_platform",
        ...FLEET_SCHEMAS.map((schema) => `wrong-owner schema ${schema} in fleet_platform`),
      ].sort(),
    );
    expect(summary(result.json.findings, "warning")).toEqual(["undeclared-role role legacy_etl"]);
    expect(result.json.skipped).toEqual([]);
    expect(result.json.cutover.map(({ service, state, seenAs }) => [service, state, seenAs])).toEqual(
      SERVICES.map(([service]) => [service, "not yet", { postgres: 1 }]),
    );
    // The bigserial's own sequence follows its table: not listed on its own.
    expect(result.json.findings.find((item) => item.object.includes("position_history_id_seq"))).toBeUndefined();
  });

  test("findings carry live and declared values and a fix", async () => {
    const { json } = await auditJson(["--config-file", config, "--url", server.url]);
    const pick = (object: string) => json.findings.find((item) => item.object === object);
    expect(pick("role bi_reader")).toEqual({
      kind: "unbounded-login",
      severity: "error",
      object: "role bi_reader",
      live: "no CONNECTION LIMIT (-1)",
      declared: "6 slots",
      fix: 'ALTER ROLE "bi_reader" CONNECTION LIMIT 6',
    });
    expect(pick("database tracksolid_db, grantee PUBLIC")).toMatchObject({
      live: "CONNECT, TEMPORARY",
      declared: "none",
      fix: 'REVOKE CONNECT, TEMPORARY ON DATABASE "tracksolid_db" FROM PUBLIC',
    });
    expect(pick("function reporting.trip_count() in tracksolid_db")).toMatchObject({
      live: "owned by postgres",
      declared: "owned by tracksolid_owner",
      fix: 'ALTER FUNCTION "reporting"."trip_count"() OWNER TO "tracksolid_owner"',
    });
    expect(pick("service worker")).toMatchObject({
      live: "not yet: 1 as postgres",
      declared: "connects as tracksolid_owner",
    });
  });

  test("it logs in as fleetdb-audit and prints the report, the cutover table and live slots as text", async () => {
    const result = await runTool("audit", ["--config-file", config, "--url", server.url]);
    expect(result.code).toBe(1);
    expect(server.log()).toContain("application_name=fleetdb-audit");
    expect(result.stdout).toMatch(/^ERRORS \(\d+\)\n {2}\[privilege-drift\]/);
    expect(result.stdout).toContain("│ worker           │ tracksolid_owner │ not yet │ postgres ×1 │");
    expect(result.stdout).toMatch(/│ superuser sessions +│ live +│ +– │ +6 │ not budgeted/);
    expect(result.stdout).toContain("live     [██░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░] 6/100 slots, 94 left");
    expect(result.stdout).toMatch(
      /DRIFT: \d+ error\(s\), 1 warning\(s\) \(audited as postgres in postgres, tracksolid_db, fleet_platform\)\n$/,
    );
  });

  test("--downgrade turns the cutover kinds into information during a planned cutover", async () => {
    const { json } = await auditJson([
      "--config-file",
      config,
      "--url",
      server.url,
      "--downgrade",
      "superuser-session,service-cutover",
    ]);
    expect(summary(json.findings).filter((line) => /^(superuser-session|service-cutover)/.test(line))).toEqual([]);
    expect(summary(json.findings, "info").filter((line) => line.startsWith("service-cutover"))).toHaveLength(6);
    const refused = await runTool("audit", ["--stack", "prod", "--url", server.url, "--downgrade", "role-drift"]);
    expect([refused.code, refused.stderr]).toEqual([
      2,
      "error: --downgrade: role-drift cannot be downgraded (allowed: superuser-session, service-cutover; kinds: superuser-session, service-cutover, unbounded-login, elevated-role, undeclared-role, role-drift, setting-drift, privilege-drift, wrong-owner, sessions, password-encryption)\n",
    ]);
  });
});

describe("as a least-privilege login", () => {
  test("with pg_monitor it sees every session but not pg_authid, and says so", async () => {
    await server.query("CREATE ROLE watcher LOGIN PASSWORD 'watch-pw' CONNECTION LIMIT 2; GRANT pg_monitor TO watcher");
    const url = `postgres://watcher:watch-pw@127.0.0.1:${server.port}/postgres`;
    const { code, json } = await auditJson(["--config-file", config, "--url", url]);
    expect(code).toBe(1);
    expect(json.skipped).toEqual([
      { check: "password-encryption", reason: "reading pg_authid needs a superuser; the audit ran as watcher" },
    ]);
    expect(summary(json.findings).filter((line) => line.startsWith("superuser-session"))).toHaveLength(6);
    // Undeclared, and a member of pg_monitor without being the stack's auditor.
    expect(
      json.findings.filter((item) => item.object === "role watcher").map((item) => [item.kind, item.live]),
    ).toEqual([
      ["elevated-role", "member of pg_monitor"],
      ["elevated-role", "member of pg_read_all_settings (through pg_monitor)"],
      ["elevated-role", "member of pg_read_all_stats (through pg_monitor)"],
      ["undeclared-role", "LOGIN, CONNECTION LIMIT 2"],
    ]);
  });

  test("without pg_read_all_stats it skips the session checks instead of calling them clean", async () => {
    await server.query("CREATE ROLE peeker LOGIN PASSWORD 'peek-pw' CONNECTION LIMIT 2");
    const url = `postgres://peeker:peek-pw@127.0.0.1:${server.port}/postgres`;
    const { code, json } = await auditJson(["--config-file", config, "--url", url]);
    expect(code).toBe(1);
    const reason =
      "seeing other users' sessions needs pg_read_all_stats (pg_monitor) or a superuser; the audit ran as peeker";
    expect(json.skipped).toEqual([
      { check: "superuser-session", reason },
      { check: "service-cutover", reason },
      { check: "sessions (per role, per consumer, total)", reason },
      { check: "password-encryption", reason: "reading pg_authid needs a superuser; the audit ran as peeker" },
    ]);
    expect(json.findings.filter((item) => ["superuser-session", "service-cutover"].includes(item.kind))).toEqual([]);
    expect(json.sessions.visible).toBe(false);
    expect(json.sessions.lines.every((line) => line.live === null)).toBe(true);
  });
});

describe("bad input: one line, the right exit code, no stack trace, no password", () => {
  test.each<[string, () => Promise<string>, number, RegExp]>([
    [
      "an unreachable server",
      async () => `postgres://postgres:unreach-pw@127.0.0.1:${await freePort()}/postgres`,
      UNREACHABLE_EXIT,
      /^error: cannot connect to postgres@127\.0\.0\.1:\d+\/postgres: connect ECONNREFUSED 127\.0\.0\.1:\d+ \(ECONNREFUSED\)\n$/,
    ],
    [
      "a wrong password",
      async () => `postgres://postgres:wrong-pw-123@127.0.0.1:${server.port}/postgres`,
      UNREACHABLE_EXIT,
      /^error: cannot connect to postgres@127\.0\.0\.1:\d+\/postgres: password authentication failed for user "postgres" \(28P01\)\n$/,
    ],
    [
      "not a URL",
      async () => "host=127.0.0.1 password=kv-secret",
      2,
      /^error: --url: expected a postgres:\/\/ or postgresql:\/\/ URL\n$/,
    ],
    [
      "a broken URL",
      async () => "postgres://postgres:broken-secret@[::1/postgres",
      2,
      /^error: --url: not a usable postgres URL \(.*\)\n$/,
    ],
  ])("%s", async (_name, url, code, message) => {
    const target = await url();
    const result = await runTool("audit", ["--stack", "prod", "--url", target]);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe("");
    const password = /:([^:@/]+)@|password=(\S+)/.exec(target)!;
    expect(result.stderr).not.toContain(password[1] ?? password[2]);
  });
});
