// npm run bench: a sustained connection storm on a real server, with the prod roles, with superusers (the status quo)
// and with the services through the session-mode pooler (Debian's pgbouncer 1.18; the admin stays direct).
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import Table from "cli-table3";
import { Client, type ClientConfig } from "pg";
import type { AppliedStack } from "../test/support/appliedStack";
import { PROJECT_ROOT } from "../tools/lib/projectRoot";
import { startPooledStack } from "../test/support/pooledStack";
import { adminAttempts, childrenOf, postmasterPid, samplePeak } from "./serverProbes";

const LIMITS: Record<string, number> = { tracksolid_owner: 30, dashboard_app: 8, gateway_app: 15, cron_app: 5 };
/** Each role's database, and one service that connects as it (its DATABASE_URL is the pooler scenario's way in). */
const DATABASES: Record<string, string> = {
  tracksolid_owner: "tracksolid_db",
  dashboard_app: "tracksolid_db",
  gateway_app: "fleet_platform",
  cron_app: "fleet_platform",
};
const SERVICES: Record<string, string> = {
  tracksolid_owner: "webhook_receiver",
  dashboard_app: "dashboard_api",
  gateway_app: "gateway",
  cron_app: "cron",
};
const STORM_MS = Number(process.env.STORM_MS ?? 6000);
const QUIET_MS = 2000;
const HOLD_MS = 50;
const ADMIN_EVERY_MS = 100;

interface RoleFigures {
  attempts: number;
  accepted: number;
  refused: Record<string, number>;
  steady: { quiet: Latency; storm: Latency };
}
interface Latency {
  queries: number;
  failed: number;
  p50: number;
  p99: number;
}
interface ScenarioFigures {
  scenario: string;
  roles: Record<string, RoleFigures>;
  admin: { attempts: number; connected: number; refused: Record<string, number> };
  /** The postmaster's child processes: before the storm (auxiliary processes, held sessions) and at its peak. */
  backends: { before: number; peak: number };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function reasonOf(error: unknown): string {
  const message = (error as Error).message ?? String(error);
  if (message.startsWith("too many connections for role")) return "role limit";
  if (message.startsWith("remaining connection slots are reserved")) return "reserved slots";
  if (message.startsWith("sorry, too many clients already")) return "server full";
  if (message === "query_wait_timeout") return "pooler wait timeout";
  // The client's own 2 s connect timeout: through the pooler, a client that waited in the queue that long.
  if (/timeout/i.test(message)) return "gave up after 2 s";
  return message.slice(0, 40);
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** One held session running `SELECT 1` in a loop until `until`; latencies in ms. */
async function steadyLoop(client: Client, until: number): Promise<Latency> {
  const times: number[] = [];
  let failed = 0;
  while (Date.now() < until) {
    const start = performance.now();
    try {
      await client.query("SELECT 1");
      times.push(performance.now() - start);
    } catch {
      failed += 1;
    }
    await sleep(10);
  }
  return {
    queries: times.length + failed,
    failed,
    p50: round(percentile(times, 50)),
    p99: round(percentile(times, 99)),
  };
}

const round = (value: number) => Math.round(value * 100) / 100;

/** How a client retries after a refusal: at once (a storm) or with exponential backoff (a well-behaved pool). */
type Retry = "at once" | "backoff";

/** Keeps one connection attempt in flight until `until`: connect, one query, hold briefly, disconnect, again. */
async function stormWorker(config: ClientConfig, until: number, figures: RoleFigures, retry: Retry): Promise<void> {
  let backoff = 50;
  while (Date.now() < until) {
    figures.attempts += 1;
    const client = new Client({ ...config, connectionTimeoutMillis: 2000 });
    client.on("error", () => undefined);
    try {
      await client.connect();
      figures.accepted += 1;
      backoff = 50;
      await client.query("SELECT 1");
      await sleep(HOLD_MS);
    } catch (error) {
      const reason = reasonOf(error);
      figures.refused[reason] = (figures.refused[reason] ?? 0) + 1;
      if (retry === "backoff") {
        await sleep(backoff * (0.5 + Math.random()));
        backoff = Math.min(backoff * 2, 1000);
      } else {
        await sleep(5);
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

async function adminProbe(config: ClientConfig, until: number, figures: ScenarioFigures["admin"]): Promise<void> {
  for (const failure of await adminAttempts(config, until, ADMIN_EVERY_MS)) {
    figures.attempts += 1;
    if (failure === null) figures.connected += 1;
    else {
      const reason = reasonOf(new Error(failure));
      figures.refused[reason] = (figures.refused[reason] ?? 0) + 1;
    }
  }
}

interface Load {
  /** Connection attempts each role keeps in flight, from its CONNECTION LIMIT. */
  inFlight: (limit: number) => number;
  retry: Retry;
}

async function scenario(
  name: string,
  stack: AppliedStack,
  loginFor: (role: string) => ClientConfig,
  load: Load,
): Promise<ScenarioFigures> {
  const roles = Object.keys(LIMITS);
  const steady = await Promise.all(
    roles.map(async (role) => {
      const client = new Client(loginFor(role));
      client.on("error", () => undefined);
      await client.connect();
      return client;
    }),
  );
  const quiet = await Promise.all(steady.map((client) => steadyLoop(client, Date.now() + QUIET_MS)));
  const postmaster = await postmasterPid(stack);
  const figures: ScenarioFigures = {
    scenario: name,
    roles: {},
    admin: { attempts: 0, connected: 0, refused: {} },
    backends: { before: childrenOf(postmaster), peak: 0 },
  };
  const until = Date.now() + STORM_MS;
  const work: Promise<unknown>[] = [];
  roles.forEach((role, index) => {
    const roleFigures: RoleFigures = {
      attempts: 0,
      accepted: 0,
      refused: {},
      steady: { quiet: quiet[index], storm: { queries: 0, failed: 0, p50: NaN, p99: NaN } },
    };
    figures.roles[role] = roleFigures;
    for (let n = 0; n < load.inFlight(LIMITS[role]); n += 1)
      work.push(stormWorker(loginFor(role), until, roleFigures, load.retry));
    work.push(steadyLoop(steady[index], until).then((latency) => (roleFigures.steady.storm = latency)));
  });
  work.push(adminProbe(stack.server.config(), until, figures.admin));
  work.push(samplePeak(postmaster, until).then((peak) => (figures.backends.peak = peak)));
  await Promise.all(work);
  await Promise.all(steady.map((client) => client.end().catch(() => undefined)));
  await sleep(500);
  return figures;
}

function render(results: ScenarioFigures[]): string {
  const table = new Table({
    head: [
      "scenario",
      "role",
      "attempts",
      "accepted",
      "refused (by reason)",
      "steady ok",
      "p50 quiet→storm ms",
      "p99 quiet→storm ms",
      "postmaster children before→peak",
    ],
    style: { head: [], border: [], compact: true },
  });
  for (const result of results) {
    for (const [role, figures] of Object.entries(result.roles)) {
      const refused =
        Object.entries(figures.refused)
          .map(([reason, count]) => `${reason} ${count}`)
          .join(", ") || "0";
      const { quiet, storm } = figures.steady;
      const ok = storm.queries === 0 ? "n/a" : `${Math.round((100 * (storm.queries - storm.failed)) / storm.queries)}%`;
      table.push([
        result.scenario,
        role,
        figures.attempts,
        figures.accepted,
        refused,
        ok,
        `${quiet.p50} → ${storm.p50}`,
        `${quiet.p99} → ${storm.p99}`,
        "",
      ]);
    }
    const admin = result.admin;
    const refused =
      Object.entries(admin.refused)
        .map(([reason, count]) => `${reason} ${count}`)
        .join(", ") || "0";
    table.push([
      result.scenario,
      "admin (every 100 ms)",
      admin.attempts,
      admin.connected,
      refused,
      `${Math.round((100 * admin.connected) / Math.max(1, admin.attempts))}%`,
      "",
      "",
      `${result.backends.before} → ${result.backends.peak}`,
    ]);
  }
  return table.toString();
}

async function main(): Promise<void> {
  process.stderr.write(
    `bench: starting PostgreSQL 16 (max_connections 100, 3 superuser-reserved), applying the pooled prod plan, starting pgbouncer\n`,
  );
  // The pooled fixture is prod plus the pooler (its login takes 3 of admin_tools' slots): the same roles and limits.
  const pooled = await startPooledStack();
  const { stack } = pooled;
  const direct = (role: string) => stack.login(role, DATABASES[role]);
  try {
    // The status quo: every app logs in as a superuser (one superuser login per app, to count them apart).
    for (const role of Object.keys(LIMITS)) {
      await stack.server.query(`CREATE ROLE ${role}_su SUPERUSER LOGIN PASSWORD 'bench-${role}'`);
      await stack.server.query(`GRANT CONNECT ON DATABASE tracksolid_db, fleet_platform TO ${role}_su`);
    }
    const storm: Load = { inFlight: (limit) => 3 * limit, retry: "at once" };
    process.stderr.write(`bench: storm with the stack's roles (${STORM_MS} ms, 3× each limit in flight)\n`);
    const roles = await scenario("roles, storm", stack, direct, storm);
    process.stderr.write(`bench: the same storm with every app as a superuser\n`);
    const superusers = await scenario(
      "superusers, storm",
      stack,
      (role) => ({ ...direct(role), user: `${role}_su`, password: `bench-${role}` }),
      storm,
    );
    process.stderr.write(`bench: the stack's roles with pools under their limits and backoff\n`);
    // The steady client holds one of each role's sessions; the pool takes the rest, and backs off when refused.
    const pools = await scenario("roles, pools + backoff", stack, direct, {
      inFlight: (limit) => limit - 1,
      retry: "backoff",
    });
    process.stderr.write(`bench: the same storm with every service through the pooler, the admin direct\n`);
    const throughPooler = await scenario(
      "roles via pooler, storm",
      stack,
      (role) => pooled.throughPooler(SERVICES[role]),
      storm,
    );
    const results = [roles, superusers, pools, throughPooler];
    const out = path.join(PROJECT_ROOT, ".bench");
    mkdirSync(out, { recursive: true });
    const file = path.join(out, "connection-storm.json");
    writeFileSync(
      file,
      `${JSON.stringify({ date: new Date().toISOString(), stormMs: STORM_MS, holdMs: HOLD_MS, limits: LIMITS, results }, null, 2)}\n`,
    );
    process.stdout.write(`${render(results)}\n`);
    process.stderr.write(`bench: figures written to ${path.relative(process.cwd(), file)}\n`);
  } finally {
    await pooled.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`error: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
