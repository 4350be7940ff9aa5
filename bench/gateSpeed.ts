// npm run bench (gate part): the offline gate's wall time and peak memory, as ratios of the time node needs
// just to load the Pulumi SDKs the program uses (measured in the same run), for prod and a synthetic stack
// of N login roles. A benchmark, not a test: it prints and records, it asserts nothing.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import Table from "cli-table3";
import { parse, stringify } from "yaml";
import { PROJECT_ROOT } from "../tools/lib/projectRoot";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** The gate as `npm run gate` runs it. */
const GATE = [process.execPath, path.join(PROJECT_ROOT, "tools", "run.cjs"), "tools/gate.ts"];

/** Median wall seconds and peak RSS (MiB, from GNU time) of `command` over RUNS runs. */
function measure(command: string[]): { seconds: number; mebibytes: number } {
  const seconds: number[] = [];
  const memory: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const started = process.hrtime.bigint();
    const result = spawnSync("/usr/bin/time", ["-f", "%M", ...command], { cwd: PROJECT_ROOT, encoding: "utf8" });
    seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
    if (result.status !== 0 && result.status !== 1)
      throw new Error(`${command.join(" ")} exited ${result.status}: ${result.stderr.slice(-400)}`);
    memory.push(Number(/(\d+)\s*$/.exec(result.stderr)?.[1] ?? 0) / 1024);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { seconds: median(seconds), mebibytes: median(memory) };
}

/** prod with `roles` read-only login roles added to tracksolid_db (each with a service, a limit of 1). */
function syntheticStack(roles: number): string {
  const prod = readFileSync(path.join(PROJECT_ROOT, "Pulumi.prod.yaml"), "utf8");
  type Section = Record<string, unknown>;
  const document = parse(prod) as { config: Record<string, Section> };
  const config = document.config as {
    "fleetdb:server": Section;
    "fleetdb:roles": Section;
    "fleetdb:services": Section;
  };
  config["fleetdb:server"].maxConnections = 10_000;
  for (let index = 0; index < roles; index += 1) {
    const name = `bench_reader_${index}`;
    config["fleetdb:roles"][name] = {
      login: true,
      database: "tracksolid_db",
      memberOf: ["ts_read"],
      connectionLimit: 1,
      settings: { statement_timeout: "30s", idle_in_transaction_session_timeout: "1min", lock_timeout: "5s" },
      services: [`bench_service_${index}`],
    };
    config["fleetdb:services"][`bench_service_${index}`] = { poolSize: 1 };
  }
  const dir = mkdtempSync(path.join(tmpdir(), "fleetdb-bench-"));
  const file = path.join(dir, `Pulumi.bench${roles}.yaml`);
  writeFileSync(file, stringify(document));
  return file;
}

function main(): void {
  // Warm the transpiled tools and the compiled pack once, as any second gate run finds them.
  execFileSync(GATE[0], [...GATE.slice(1), "--stack", "prod"], { cwd: PROJECT_ROOT, stdio: "ignore" });
  const floor = measure([
    process.execPath,
    "-e",
    'for (const m of ["@pulumi/pulumi","@pulumi/postgresql","@pulumi/docker","@pulumi/random"]) require(m)',
  ]);
  const rows: { scenario: string; seconds: number; mebibytes: number }[] = [
    { scenario: "node loads the Pulumi SDKs (the floor)", ...floor },
    { scenario: "gate --stack prod", ...measure([...GATE, "--stack", "prod"]) },
  ];
  for (const roles of [50, 200]) {
    rows.push({
      scenario: `gate, prod + ${roles} login roles`,
      ...measure([...GATE, "--config-file", syntheticStack(roles)]),
    });
  }
  const table = new Table({ head: ["scenario", "median s", "× floor", "peak MiB"], style: { head: [], border: [] } });
  for (const row of rows)
    table.push([
      row.scenario,
      row.seconds.toFixed(2),
      (row.seconds / floor.seconds).toFixed(1),
      row.mebibytes.toFixed(0),
    ]);
  process.stdout.write(`gate speed (median of ${RUNS} runs each)\n${table.toString()}\n`);
  const out = path.join(PROJECT_ROOT, ".bench");
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, "gate-speed.json"), `${JSON.stringify({ runs: RUNS, rows }, null, 2)}\n`);
}

main();
