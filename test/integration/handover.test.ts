// The handover on a real PostgreSQL 16 (no TimescaleDB): a half-way failure changes nothing, then the whole flow with real logins.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Client, type ClientConfig } from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { applyStack, type AppliedStack } from "../support/appliedStack";
import { runTool } from "../support/runTool";

let stack: AppliedStack;
const dir = mkdtempSync(path.join(tmpdir(), "fleetdb-handover-"));
const HOSTILE = 'Fahrten "Ü" Log';
const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The live tracksolid_db and fleet_platform as the services left them: everything created by postgres. */
const LIVE_TRACKSOLID = `
  CREATE SCHEMA tracksolid;
  CREATE SCHEMA reporting;
  CREATE TABLE tracksolid.devices (id serial PRIMARY KEY, imei text NOT NULL);
  INSERT INTO tracksolid.devices (imei) VALUES ('359339077000001');
  CREATE TABLE tracksolid.${quoted(HOSTILE)} (id bigserial PRIMARY KEY, note text);
  CREATE SEQUENCE tracksolid.ticket_numbers;
  CREATE TABLE tracksolid.trips (started date NOT NULL, device_id int) PARTITION BY RANGE (started);
  CREATE TABLE tracksolid.trips_2026_01 PARTITION OF tracksolid.trips FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
  CREATE TABLE tracksolid.trips_2026_02 PARTITION OF tracksolid.trips FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
  INSERT INTO tracksolid.trips VALUES ('2026-01-10', 1), ('2026-02-10', 1);
  CREATE TABLE tracksolid.alerts (id int, note text);
  INSERT INTO tracksolid.alerts VALUES (1, 'hidden by a policy');
  ALTER TABLE tracksolid.alerts ENABLE ROW LEVEL SECURITY;
  CREATE POLICY nobody ON tracksolid.alerts USING (false);
  CREATE TYPE tracksolid.device_status AS ENUM ('online', 'offline');
  CREATE DOMAIN tracksolid.imei AS text CHECK (VALUE ~ '^[0-9]{15}$');
  CREATE FUNCTION tracksolid.whoami() RETURNS text LANGUAGE sql SECURITY DEFINER AS 'SELECT current_user::text';
  CREATE PROCEDURE tracksolid.touch(days integer) LANGUAGE sql AS 'SELECT 1';
  CREATE TYPE tracksolid."Odd ""Kind"" ü" AS ENUM ('a');
  CREATE FUNCTION tracksolid."Label"(k tracksolid."Odd ""Kind"" ü", "Ü" text) RETURNS text LANGUAGE sql AS 'SELECT $2';
  CREATE VIEW reporting.v_speed AS SELECT id, imei FROM tracksolid.devices;
  CREATE MATERIALIZED VIEW reporting.m_trips AS SELECT device_id, count(*) FROM tracksolid.trips GROUP BY 1;
  GRANT USAGE ON SCHEMA tracksolid, reporting TO reporting_refresher;
  GRANT USAGE ON SCHEMA tracksolid TO bi_reader;
  GRANT SELECT ON tracksolid.trips TO reporting_refresher;
  CREATE VIEW reporting.v_trips AS SELECT device_id, started FROM tracksolid.trips;
  ALTER VIEW reporting.v_trips OWNER TO reporting_refresher;
  ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA tracksolid GRANT SELECT ON TABLES TO bi_reader;
`;

/** Every object's owner in the two databases' declared schemas, by name. */
async function owners(database: string, schemas: string[]): Promise<string[]> {
  const list = schemas.map((schema) => `'${schema}'`).join(", ");
  const rows = await stack.server.query<{ line: string }>(
    `SELECT 'relation ' || c.oid::regclass::text || ' ' || pg_get_userbyid(c.relowner) AS line FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN (${list}) AND c.relkind IN ('r','p','v','m','S')
     UNION ALL SELECT 'routine ' || p.oid::regprocedure::text || ' ' || pg_get_userbyid(p.proowner) FROM pg_proc p
       JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN (${list})
     UNION ALL SELECT 'type ' || t.oid::regtype::text || ' ' || pg_get_userbyid(t.typowner) FROM pg_type t
       JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname IN (${list}) AND t.typtype IN ('e', 'd')
     UNION ALL SELECT 'schema ' || nspname || ' ' || pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname IN (${list})
     ORDER BY 1`,
    database,
  );
  return rows.map((row) => row.line);
}

const handover = (...args: string[]) => runTool("handover", ["--stack", "prod", "--url", stack.server.url, ...args]);

beforeAll(async () => {
  stack = await applyStack({ stack: "prod" }, {}, async (server) => {
    await server.query(
      "CREATE ROLE reporting_refresher LOGIN PASSWORD 'refresher-pw'; CREATE ROLE bi_reader LOGIN PASSWORD 'bi-pw'",
    );
    await server.query("CREATE DATABASE tracksolid_db");
    await server.query("CREATE DATABASE fleet_platform");
    await server.query(LIVE_TRACKSOLID, "tracksolid_db");
    await server.query("CREATE SCHEMA auth; CREATE TABLE auth.users (id serial PRIMARY KEY)", "fleet_platform");
  });
}, 240_000);

afterAll(async () => {
  await stack?.server.stop();
});

async function as(config: ClientConfig, sql: string): Promise<string> {
  const client = new Client(config);
  client.on("error", () => undefined);
  await client.connect();
  try {
    const result = await client.query(sql);
    const last = Array.isArray(result) ? result.at(-1) : result;
    return last.rows.length > 0 ? JSON.stringify(last.rows) : "ok";
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end();
  }
}

describe("a handover that fails half-way", () => {
  test("an object locked by another connection: the retries run out, psql stops, every owner is as it was", async () => {
    const file = path.join(dir, "tracksolid.sql");
    const script = await handover(
      "--database",
      "tracksolid_db",
      "--lock-timeout",
      "200ms",
      "--retries",
      "1",
      "-o",
      file,
    );
    expect(script.code).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(text).toContain("-- transaction 1 of 1: 15 objects");
    const before = await owners("tracksolid_db", ["tracksolid", "reporting"]);
    const holder = await stack.server.connect("tracksolid_db");
    try {
      // A reader mid-transaction: its ACCESS SHARE lock blocks the ACCESS EXCLUSIVE of ALTER … OWNER TO.
      await holder.query("BEGIN; LOCK TABLE tracksolid.trips_2026_02 IN ACCESS SHARE MODE");
      // No -v ON_ERROR_STOP here: the script sets it itself, so psql stops at the failing transaction.
      const run = await stack.server.psql([], text);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain(
        "NOTICE:  fleetdb handover: transaction 1 of 1 is busy (a lock was not granted within 200ms), retry 1 of 1 in 1 s",
      );
      expect(run.stderr).toContain("ERROR:  canceling statement due to lock timeout");
      // --validate meets the same lock: it reports the statement that would stop the run, and exits 1.
      const validation = await handover(
        "--database",
        "tracksolid_db",
        "--validate",
        "--lock-timeout",
        "200ms",
        "--retries",
        "0",
      );
      expect(validation.stdout).toContain(
        "  FAIL in transaction 1 of 1: canceling statement due to lock timeout (SQLSTATE 55P03)\n",
      );
      expect(validation.stdout).toContain("FAIL: the handover would not apply as shown");
      expect(validation.code).toBe(1);
    } finally {
      await holder.query("ROLLBACK");
      await holder.end();
    }
    expect(await owners("tracksolid_db", ["tracksolid", "reporting"])).toEqual(before);
    expect(before.filter((line) => line.endsWith(" postgres")).length).toBeGreaterThan(10);
  });
});

describe("the whole flow with real logins", () => {
  let scriptText: string;
  beforeAll(async () => {
    const file = path.join(dir, "all.sql");
    const script = await handover("-o", file);
    expect(script.code).toBe(0);
    scriptText = readFileSync(file, "utf8");
  });

  test("the header names what changes for each kind", () => {
    const header = scriptText.split("\n").filter((line) => line.startsWith("--   "));
    expect(header).toEqual(
      expect.arrayContaining([
        "--   function tracksolid.whoami() (from postgres): SECURITY DEFINER: runs as tracksolid_owner from now on, no longer as postgres (a superuser)",
        "--   procedure tracksolid.touch(IN days integer) (from postgres)",
        '--   function tracksolid."Label"(k tracksolid."Odd ""Kind"" ü", "Ü" text) (from postgres)',
        "--   domain tracksolid.imei (from postgres)",
        "--   type tracksolid.device_status (from postgres)",
        "--   sequence tracksolid.ticket_numbers (from postgres)",
        "--   partitioned table tracksolid.trips (from postgres)",
        "--   partition tracksolid.trips_2026_01 (from postgres)",
        "--   partition tracksolid.trips_2026_02 (from postgres)",
        "--   table tracksolid.alerts (from postgres): row-level security: the owner bypasses the policies, so tracksolid_owner (and every service logged in as it) does from now on; postgres still does as a superuser",
        "--   view reporting.v_speed (from postgres): runs with its owner's privileges: it reads what tracksolid_owner may read, no longer what postgres (a superuser) may",
        "--   materialized view reporting.m_trips (from postgres): REFRESH runs with its owner's privileges: it reads what tracksolid_owner may read, no longer what postgres (a superuser) may",
        "--   view reporting.v_trips: owned by reporting_refresher",
        "--   table auth.users (from postgres): its sequence(s) auth.users_id_seq follow",
      ]),
    );
  });

  test("--validate passes, rolled back: nothing changed", async () => {
    const before = await owners("tracksolid_db", ["tracksolid", "reporting"]);
    const validation = await handover("--validate");
    expect(validation.stdout).toContain(
      "  ok: reader dashboard_app may SELECT from 9 of 9 relation(s) after, as before\n",
    );
    expect(validation.stdout).toContain("  ok: as fleet_owner: CREATE and DROP a table in auth\n");
    expect(validation.stdout).toContain("PASS: the handover would apply");
    expect(validation.code).toBe(0);
    expect(await owners("tracksolid_db", ["tracksolid", "reporting"])).toEqual(before);
    const json = await handover("--validate", "--json");
    const report = JSON.parse(json.stdout) as { passed: boolean; databases: { database: string; failed: boolean }[] };
    expect(report.passed).toBe(true);
    expect(report.databases.map(({ database, failed }) => `${database} ${failed}`)).toEqual([
      "fleet_platform false",
      "tracksolid_db false",
    ]);
  });

  test("psql applies it; every object is the owner's but the view another role owns; a second run prints one line", async () => {
    const run = await stack.server.psql(["-v", "ON_ERROR_STOP=1"], scriptText);
    expect(run.stderr).not.toContain("ERROR");
    expect(run.code).toBe(0);
    const tracksolid = await owners("tracksolid_db", ["tracksolid", "reporting"]);
    expect(tracksolid.filter((line) => !line.endsWith(" tracksolid_owner"))).toEqual([
      "relation reporting.v_trips reporting_refresher",
    ]);
    expect(tracksolid).toContain(`relation tracksolid.${quoted(`${HOSTILE}_id_seq`)} tracksolid_owner`);
    expect(await owners("fleet_platform", ["auth"])).toEqual([
      "relation auth.users fleet_owner",
      "relation auth.users_id_seq fleet_owner",
      "schema auth fleet_owner",
    ]);
    const again = await handover();
    expect(again.stdout).toBe(
      "-- Nothing to move (fleet_platform → fleet_owner, tracksolid_db → tracksolid_owner): every object in the declared schemas is owned by its declared owner or left alone, and the default privileges are in place.\n",
    );
  });

  test("the owner migrates over its own login; readers read, new tables included; SECURITY DEFINER runs as the owner", async () => {
    const owner = stack.login("tracksolid_owner", "tracksolid_db");
    expect(await as(owner, "ALTER TABLE tracksolid.devices ADD COLUMN model text")).toBe("ok");
    expect(await as(owner, "CREATE INDEX ON tracksolid.trips_2026_01 (device_id)")).toBe("ok");
    expect(await as(owner, "ALTER SEQUENCE tracksolid.ticket_numbers RESTART")).toBe("ok");
    expect(await as(owner, "REFRESH MATERIALIZED VIEW reporting.m_trips")).toBe("ok");
    expect(
      await as(
        owner,
        "CREATE TABLE tracksolid.after_handover (id int); INSERT INTO tracksolid.after_handover VALUES (7)",
      ),
    ).toBe("ok");
    expect(await as(owner, "SELECT count(*)::int AS n FROM tracksolid.alerts")).toBe('[{"n":1}]');

    const dashboard = stack.login("dashboard_app", "tracksolid_db");
    expect(await as(dashboard, "SELECT id FROM tracksolid.after_handover")).toBe('[{"id":7}]');
    expect(await as(dashboard, "SELECT count(*)::int AS n FROM reporting.v_speed")).toBe('[{"n":1}]');
    expect(await as(dashboard, "SELECT count(*)::int AS n FROM reporting.v_trips")).toBe('[{"n":2}]');
    expect(await as(dashboard, "SELECT count(*)::int AS n FROM tracksolid.alerts")).toBe('[{"n":0}]');
    expect(await as(dashboard, "SELECT tracksolid.whoami() AS who")).toBe('[{"who":"tracksolid_owner"}]');
    expect(await as(dashboard, "INSERT INTO tracksolid.devices (imei) VALUES ('1')")).toBe(
      "permission denied for table devices",
    );
    const login = (user: string, password: string): ClientConfig => ({
      ...stack.server.config("tracksolid_db", user, password),
    });
    // bi_reader's default privilege FOR ROLE postgres, re-rendered FOR ROLE tracksolid_owner by the handover.
    expect(await as(login("bi_reader", "bi-pw"), "SELECT id FROM tracksolid.after_handover")).toBe('[{"id":7}]');
    expect(
      await as(login("reporting_refresher", "refresher-pw"), "SELECT count(*)::int AS n FROM reporting.v_trips"),
    ).toBe('[{"n":2}]');
  });
});

describe("what the tool refuses, and its exit codes", () => {
  test.each([
    [
      ["--database", "nope"],
      "error: --database nope: not a declared database (declared: fleet_platform, tracksolid_db)\n",
    ],
    [["--lock-timeout", "0"], "error: --lock-timeout: 0 would wait forever; got 0\n"],
    [["--retries", "many"], "error: --retries: expected a whole number from 0 to 10, got many\n"],
  ])("%o → exit 2", async (args, message) => {
    const result = await handover(...args);
    expect(result.stderr).toBe(message);
    expect(result.stdout).toBe("");
    expect(result.code).toBe(2);
  });

  test("a declared database that does not exist: exit 1, run up first", async () => {
    const result = await runTool("handover", ["--config-file", "test/fixtures/small.yaml", "--url", stack.server.url]);
    expect(result.stderr).toBe("handover: app_db: the database does not exist on this server: run pulumi up first\n");
    expect(result.code).toBe(1);
  });

  test("a server that refuses the login: exit 3, one line, no password", async () => {
    const url = `postgres://postgres:wrong-secretpw@127.0.0.1:${stack.server.port}/postgres`;
    const result = await runTool("handover", ["--stack", "prod", "--url", url]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /^error: cannot connect to postgres@127\.0\.0\.1:\d+\/postgres \(database \w+\): password authentication failed for user "postgres" \(28P01\)\n$/,
    );
  });

  test("the owner role is not on the server yet: exit 1, run up first", async () => {
    await stack.server.query("CREATE DATABASE app_db");
    const result = await runTool("handover", ["--config-file", "test/fixtures/small.yaml", "--url", stack.server.url]);
    expect(result.stderr).toBe(
      "handover: app_db: the owner role app_owner does not exist on this server: run pulumi up (without rotating the superuser) first\n",
    );
    expect(result.stdout).toBe("");
    expect(result.code).toBe(1);
  });
});

describe("a lock released while the handover waits", () => {
  test("the retry after the backoff succeeds", async () => {
    await stack.server.query("CREATE TABLE auth.late_sessions (id int)", "fleet_platform");
    const file = path.join(dir, "late.sql");
    const script = await handover(
      "--database",
      "fleet_platform",
      "--lock-timeout",
      "200ms",
      "--retries",
      "3",
      "-o",
      file,
    );
    expect(script.code).toBe(0);
    const holder = await stack.server.connect("fleet_platform");
    await holder.query("BEGIN; LOCK TABLE auth.late_sessions IN ACCESS SHARE MODE");
    const child = spawn(
      "psql",
      ["-X", "-h", "127.0.0.1", "-p", String(stack.server.port), "-U", "postgres", "-d", "postgres", "-f", file],
      { env: { ...process.env, PGPASSWORD: stack.server.superuser.password } },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      // The first attempt gave up and rolled back: release the lock during its backoff.
      if (stderr.includes("is busy")) holder.query("ROLLBACK").catch(() => undefined);
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    await holder.end();
    expect(stderr).toContain("retry 1 of 3");
    expect(stderr).not.toContain("ERROR");
    expect(code).toBe(0);
    expect(await owners("fleet_platform", ["auth"])).toContain("relation auth.late_sessions fleet_owner");
  });
});
