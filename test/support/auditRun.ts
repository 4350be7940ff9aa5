// Test helpers for the audit: run it as a user would, hold sessions like services do, wait for closed ones to go.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Client, type ClientConfig } from "pg";
import type { Finding, Skipped } from "../../src/audit/findings";
import type { TestServer } from "./embeddedServer";
import { ROOT, runTool, type ToolResult } from "./runTool";

export interface AuditJson {
  findings: Finding[];
  skipped: Skipped[];
  sessions: { visible: boolean; clientBackends: number | null; lines: { name: string; live: number | null }[] };
  cutover: { service: string; login: string; state: string; seenAs: Record<string, number> }[];
}

/** `npm run audit -- <args> --json`, parsed. */
export async function auditJson(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<ToolResult & { json: AuditJson }> {
  const result = await runTool("audit", [...args, "--json"], env);
  if (result.code > 1) throw new Error(`npm run audit exited ${result.code}:\n${result.stderr}`);
  return { ...result, json: JSON.parse(result.stdout) as AuditJson };
}

/** Pulumi.prod.yaml with `fleetdb:audit` replaced by `audit` (YAML text, indented under config:). */
export function prodConfigWith(audit: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "fleetdb-audit-"));
  const file = path.join(dir, "Pulumi.prod.yaml");
  const prod = readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
  // Drop prod's own fleetdb:audit block (up to the next key at its level), then append the given one.
  const withoutAudit = prod.replace(/^ {2}fleetdb:audit:\n(?: {3,}.*\n|\s*#.*\n)*/m, "");
  writeFileSync(file, `${withoutAudit}${audit}`);
  return file;
}

/** A connected client that stays open, as a service's pooled connection does. */
export async function hold(config: ClientConfig, applicationName: string): Promise<Client> {
  const client = new Client({ ...config, application_name: applicationName });
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

/**
 * Waits until the server shows exactly `expected` other client backends (closed sessions take a moment to
 * go), looking as the superuser, or as `as` once its password has changed.
 */
export async function settle(server: TestServer, expected: number, as?: ClientConfig): Promise<void> {
  const client = new Client(as ?? server.config());
  await client.connect();
  try {
    for (let attempt = 0; attempt < 100; attempt++) {
      const { rows } = await client.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_catalog.pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_catalog.pg_backend_pid()",
      );
      if (Number(rows[0].n) === expected) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await client.end();
  }
  throw new Error(`the server did not settle at ${expected} other client backends`);
}

/** `kind object` of each finding at `severity`, sorted: what a test compares. */
export function summary(findings: Finding[], severity: Finding["severity"] = "error"): string[] {
  return findings
    .filter((item) => item.severity === severity)
    .map((item) => `${item.kind} ${item.object}`)
    .sort();
}
