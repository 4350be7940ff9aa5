// The pooled fixture applied to a real server, with Debian's pgbouncer in front rendered by the stack's own code.
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import type { ClientConfig } from "pg";
import { parse } from "pg-connection-string";
import { namespaceValues, parseStackConfig } from "../../src/config/load";
import { renderPgbouncerIni, renderUserlist } from "../../src/pooler/pgbouncerConfig";
import { poolerPlan, type PoolerPlan } from "../../src/pooler/poolerPlan";
import { PROJECT_ROOT } from "../../tools/lib/projectRoot";
import { readStackFile } from "../../tools/lib/stackFile";
import { applyStack, type AppliedStack } from "./appliedStack";
import { pgbouncerMissing, startPgbouncer, type PgbouncerProcess } from "./pgbouncerProcess";
import { runTool } from "./runTool";

export const POOLED_FIXTURE = path.join(PROJECT_ROOT, "test", "fixtures", "pooled.yaml");

export interface PooledStack {
  stack: AppliedStack;
  pooler: PgbouncerProcess;
  plan: PoolerPlan;
  poolerPassword: string;
  /** How `service` connects through the pooler: its own DATABASE_URL with only host and port moved here. */
  throughPooler(service: string, password?: string): ClientConfig;
  /** The pooler's console (SHOW POOLS) as its own login. */
  console(): ClientConfig;
  stop(): Promise<void>;
}

/** The fixture's pooler plan, with `change` applied to the config values first (a test's short timeout). */
export function pooledPlan(change: (values: Record<string, any>) => void = () => undefined): PoolerPlan {
  const file = readStackFile(POOLED_FIXTURE);
  const values = structuredClone(namespaceValues(file.config, (key) => file.secretKeys.includes(key))) as Record<
    string,
    any
  >;
  change(values);
  return poolerPlan(parseStackConfig(values))!;
}

/** Applies the pooled fixture, sets every password (the pooler's too, the same way), starts pgbouncer. */
export async function startPooledStack(plan: PoolerPlan = pooledPlan()): Promise<PooledStack> {
  const missing = pgbouncerMissing();
  if (missing) throw new Error(missing);
  const stack = await applyStack({ configFile: POOLED_FIXTURE });
  let pooler: PgbouncerProcess | undefined;
  try {
    const consoleUrl = stack.run.outputs.poolerConsoleUrl as string;
    const poolerPassword = parse(consoleUrl).password!;
    const urlsFile = path.join(path.dirname(stack.planFile), "poolerUrl.json");
    writeFileSync(urlsFile, JSON.stringify({ "pooler-console": consoleUrl }));
    const statements = await runTool("passwords", ["--from", urlsFile]);
    if (statements.code !== 0) throw new Error(statements.stderr);
    const set = await stack.server.psql(["-v", "ON_ERROR_STOP=1"], statements.stdout);
    if (set.code !== 0) throw new Error(set.stderr);
    pooler = await startPgbouncer(stack.server.port, {
      ini: (placement) => renderPgbouncerIni(plan, placement),
      userlist: renderUserlist(plan, poolerPassword),
    });
    const port = pooler.port;
    return {
      stack,
      pooler,
      plan,
      poolerPassword,
      throughPooler(service, password) {
        const url = parse(stack.urls[service]);
        return {
          host: "127.0.0.1",
          port,
          user: url.user,
          password: password ?? url.password,
          database: url.database ?? undefined,
          application_name: service,
        };
      },
      console: () => ({
        host: "127.0.0.1",
        port,
        user: plan.poolerLogin.name,
        password: poolerPassword,
        database: "pgbouncer",
      }),
      async stop() {
        await pooler?.stop();
        await stack.server.stop();
      },
    };
  } catch (error) {
    await pooler?.stop();
    await stack.server.stop();
    throw error;
  }
}
