// What the benchmark observes from outside the storm: an admin's attempts (own thread) and the postmaster's children.
import { readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { ClientConfig } from "pg";
import type { AppliedStack } from "../test/support/appliedStack";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SAMPLE_EVERY_MS = 20;

// The admin connects from its own thread, as an admin's psql runs in its own process: the storm's clients (SCRAM
// is CPU work in this process) must not delay the admin's timers and make its attempts time out here.
const ADMIN_PROBE = `
const { parentPort, workerData } = require("node:worker_threads");
const { Client } = require("pg");
(async () => {
  const { config, until, everyMs } = workerData;
  const outcomes = [];
  while (Date.now() < until) {
    const started = Date.now();
    const client = new Client({ ...config, connectionTimeoutMillis: 2000 });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.query("SELECT 1");
      outcomes.push(null);
    } catch (error) {
      outcomes.push(String((error && error.message) || error));
    } finally {
      await client.end().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, everyMs - (Date.now() - started))));
  }
  parentPort.postMessage(outcomes);
})();
`;

/** Connects as `config` every `everyMs` until `until`, from a worker thread; each attempt's error message, or null. */
export async function adminAttempts(config: ClientConfig, until: number, everyMs: number): Promise<(string | null)[]> {
  const worker = new Worker(ADMIN_PROBE, { eval: true, workerData: { config, until, everyMs } });
  try {
    return await new Promise<(string | null)[]>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
  } finally {
    await worker.terminate();
  }
}

/** The postmaster's pid: the parent of any backend, read while that backend is still connected. */
export async function postmasterPid(stack: AppliedStack): Promise<number> {
  const client = await stack.server.connect();
  try {
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after the last ")".
    const stat = readFileSync(`/proc/${rows[0].pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } finally {
    await client.end();
  }
}

/** The postmaster's children, half-started backends included (pg_stat_activity cannot see those; /proc can). */
export function childrenOf(postmaster: number): number {
  return readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, "utf8").trim().split(/\s+/).filter(Boolean)
    .length;
}

export async function samplePeak(parent: number, until: number): Promise<number> {
  let peak = 0;
  while (Date.now() < until) {
    peak = Math.max(peak, childrenOf(parent));
    await sleep(SAMPLE_EVERY_MS);
  }
  return peak;
}
