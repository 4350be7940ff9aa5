// A stack applied to a real server the way docs/sql-plan.md says: the plan through psql, then passwords from databaseUrls.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { ClientConfig } from "pg";
import { parse } from "pg-connection-string";
import { runProgram, type ProgramRun } from "../../tools/lib/mockRuntime";
import { readStackFile, stackFilePath } from "../../tools/lib/stackFile";
import { startServer, type TestServer } from "./embeddedServer";
import { runTool } from "./runTool";

/** A server set up for a stack (by the plan or by the provider) whose login roles have their passwords. */
export interface LoggedInStack {
  server: TestServer;
  run: ProgramRun;
  /** service → DATABASE_URL, as `pulumi stack output databaseUrls --show-secrets --json` prints it. */
  urls: Record<string, string>;
  /** How `role` logs in, from its DATABASE_URL pointed at the test server. */
  login(role: string, database?: string): ClientConfig;
}

export interface AppliedStack extends LoggedInStack {
  planFile: string;
  /** `psql -X -v ON_ERROR_STOP=1 -f plan.sql`. */
  applyPlan(): Promise<{ code: number; stdout: string; stderr: string }>;
}

export interface StackSource {
  stack?: string;
  configFile?: string;
}

/** A server the stack's plan was applied to with psql (no passwords set yet). */
export interface PlannedServer {
  server: TestServer;
  /** A temporary folder for the files the setup writes. */
  dir: string;
  planFile: string;
  applyPlan(): Promise<{ code: number; stdout: string; stderr: string }>;
}

/** Starts a server, prints the stack's plan with `npm run plan`, applies it with psql, and sets the passwords. */
export async function applyStack(
  source: StackSource,
  serverSettings: Record<string, string | number> = {},
  before?: (server: TestServer) => Promise<void>,
): Promise<AppliedStack> {
  const { server, dir, planFile, applyPlan } = await applyPlanOnly(source, serverSettings, before);
  return { ...(await setPasswords(server, source, dir)), planFile, applyPlan };
}

/** Starts a server and applies the stack's plan with psql; runs no program in this process. */
export async function applyPlanOnly(
  source: StackSource,
  serverSettings: Record<string, string | number> = {},
  before?: (server: TestServer) => Promise<void>,
): Promise<PlannedServer> {
  const server = await startServer(serverSettings);
  const dir = mkdtempSync(path.join(tmpdir(), "fleetdb-plan-"));
  const plan = await runTool("plan", stackArgs(source));
  if (plan.code !== 0) throw new Error(`npm run plan failed (${plan.code}):\n${plan.stderr}`);
  const planFile = path.join(dir, "plan.sql");
  writeFileSync(planFile, plan.stdout);
  await before?.(server);
  const applyPlan = () => server.psql(["-v", "ON_ERROR_STOP=1", "-f", planFile]);
  const applied = await applyPlan();
  if (applied.code !== 0) throw new Error(`psql -f plan.sql failed (${applied.code}):\n${applied.stderr}`);
  return { server, dir, planFile, applyPlan };
}

/** The tools' arguments naming this stack. */
export function stackArgs(source: StackSource): string[] {
  return source.stack ? ["--stack", source.stack] : ["--config-file", source.configFile!];
}

/**
 * Sets every login role's password the way the README says: `npm run passwords` over the stack's databaseUrls.
 * It runs the program in this process: once per test file (Pulumi's runtime state is global).
 */
export async function setPasswords(server: TestServer, source: StackSource, dir: string): Promise<LoggedInStack> {
  const file = readStackFile(source.stack ? stackFilePath(source.stack) : source.configFile!);
  const run = await runProgram({
    config: file.config,
    secretKeys: file.secretKeys,
    stack: source.stack ?? "fixture",
    preview: false,
  });
  const urls = run.outputs.databaseUrls as Record<string, string>;
  const urlsFile = path.join(dir, "databaseUrls.json");
  writeFileSync(urlsFile, JSON.stringify(urls));
  const passwords = await runTool("passwords", ["--from", urlsFile]);
  if (passwords.code !== 0) throw new Error(`npm run passwords failed:\n${passwords.stderr}`);
  const set = await server.psql(["-v", "ON_ERROR_STOP=1"], passwords.stdout);
  if (set.code !== 0) throw new Error(`setting passwords failed:\n${set.stderr}`);

  const byRole = new Map(Object.values(urls).map((url) => [parse(url).user!, parse(url)]));
  return {
    server,
    run,
    urls,
    login(role, database) {
      const url = byRole.get(role);
      if (!url) throw new Error(`no DATABASE_URL logs in as ${role}`);
      return {
        host: "127.0.0.1",
        port: server.port,
        user: url.user,
        password: url.password,
        database: database ?? url.database ?? undefined,
      };
    },
  };
}
