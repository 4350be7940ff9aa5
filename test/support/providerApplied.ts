// A stack applied by terraform-provider-postgresql's own code: `npm run resources`, then provider-check on a fresh
// server, with the provider's connections sampled from pg_stat_activity while it runs.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stackArgs, type StackSource } from "./appliedStack";
import { startServer, type TestServer } from "./embeddedServer";
import { ROOT, runTool } from "./runTool";

export const PROVIDER_CHECK = path.join(ROOT, "provider-check", "bin", "provider-check");
/** What the provider connects as: lib/pq's fallback_application_name (config.go's ApplicationName at ff936b9). */
export const PROVIDER_APPLICATION_NAME = "Terraform provider";

/** Why the provider check cannot run here, or undefined when it can. */
export function providerCheckUnavailable(): string | undefined {
  try {
    execFileSync("go", ["version"], { stdio: "ignore" });
  } catch {
    return "go is not installed (provider-check is a Go program; .ci/run requires it)";
  }
  if (!existsSync(PROVIDER_CHECK))
    return "provider-check/bin/provider-check is not built: .ci/run builds it once go.sum has terraform-provider-postgresql (docs/provider-fidelity.md)";
  return undefined;
}

/** One JSON line of provider-check's report (provider-check/harness/apply.go, Outcome). */
export interface Outcome {
  phase: "apply" | "refresh";
  urn: string;
  type: string;
  name: string;
  terraform?: string;
  action: "created" | "sql" | "skipped" | "failed" | "refreshed" | "diff";
  id?: string;
  planned?: string[];
  statements?: number;
  unknown?: string[];
  changes?: string[];
  warnings?: string[];
  reason?: string;
  error?: string;
}

export interface ProviderApplied {
  server: TestServer;
  dir: string;
  code: number;
  outcomes: Outcome[];
  stderr: string;
  /** The most provider connections seen at once in pg_stat_activity during the run. */
  peakConnections: number;
  /** Every statement the provider sent, from the server's log (log_statement=all), in the order it ran them. */
  statements: string[];
  /** Stops the server and removes the files. */
  stop(): Promise<void>;
}

export interface ProviderOptions {
  /** The provider's `superuser` setting; false: it connects as `fleetdb_admin`, CREATEROLE and CREATEDB only. */
  superuser: boolean;
}

export const NON_SUPERUSER_ADMIN = { user: "fleetdb_admin", password: "admin-test-password" };

/** Starts a server and applies the stack through provider-check (it runs no program in this process). */
export async function applyWithProvider(source: StackSource, options: ProviderOptions): Promise<ProviderApplied> {
  // The log prefix names each session's application, so the provider's statements can be told apart.
  const server = await startServer({ log_statement: "all", log_line_prefix: "%a|" });
  const dir = mkdtempSync(path.join(tmpdir(), "fleetdb-provider-"));
  const resources = path.join(dir, "resources.json");
  const captured = await runTool("resources", [...stackArgs(source), "-o", resources]);
  if (captured.code !== 0) throw new Error(`npm run resources failed (${captured.code}):\n${captured.stderr}`);
  let admin = server.superuser;
  if (!options.superuser) {
    await server.query(
      `CREATE ROLE ${NON_SUPERUSER_ADMIN.user} LOGIN CREATEROLE CREATEDB PASSWORD '${NON_SUPERUSER_ADMIN.password}'`,
    );
    admin = NON_SUPERUSER_ADMIN;
  }
  const sampler = await sampleProviderConnections(server);
  const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      PROVIDER_CHECK,
      [
        "-resources",
        resources,
        "-port",
        String(server.port),
        "-user",
        admin.user,
        `-superuser=${options.superuser}`,
        "-workers",
        "2",
      ],
      { env: { ...process.env, PGPASSWORD: admin.password }, maxBuffer: 64 * 1024 * 1024, timeout: 150_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
  const peakConnections = await sampler.stop();
  const outcomes = run.stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Outcome);
  return {
    server,
    dir,
    code: run.code,
    outcomes,
    stderr: run.stderr,
    peakConnections,
    statements: statementsOf(server.log(), PROVIDER_APPLICATION_NAME),
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The statements `application` sent, from a log written with log_line_prefix `%a|` (continuation lines joined). */
export function statementsOf(log: string, application: string): string[] {
  const statements: string[][] = [];
  let current: string[] | undefined;
  for (const line of log.split("\n")) {
    const entry = /^([^|\n]*)\|[A-Z]+: {2}(.*)$/.exec(line);
    if (!entry) {
      current?.push(line);
      continue;
    }
    const sent = /^(?:statement|execute [^:]*): (.*)$/s.exec(entry[2]);
    current = entry[1] === application && sent ? [sent[1]] : undefined;
    if (current) statements.push(current);
  }
  return statements.map((lines) => lines.join("\n").trimEnd());
}

/** Polls pg_stat_activity on one connection of its own until stopped; resolves to the peak count. */
async function sampleProviderConnections(server: TestServer): Promise<{ stop(): Promise<number> }> {
  const client = await server.connect();
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await client.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_catalog.pg_stat_activity WHERE application_name = $1",
        [PROVIDER_APPLICATION_NAME],
      );
      peak = Math.max(peak, Number(rows[0].n));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await client.end();
      return peak;
    },
  };
}
