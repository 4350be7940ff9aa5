// npm run handover: a psql script handing every existing object to its database's declared owner; --validate runs it rolled back.
import { writeFileSync } from "node:fs";
import { Option } from "commander";
import type { ClientConfig } from "pg";
import { parseDuration } from "../src/config/durations";
import { DEFAULT_HANDOVER } from "../src/config/sections/handover";
import { decide, type HandoverDecision } from "../src/handover/decide";
import { declaredDatabases, declaredReaders } from "../src/handover/declared";
import { discover } from "../src/handover/discover";
import type { DatabaseCatalog } from "../src/handover/model";
import { handoverScript, hasWork } from "../src/handover/script";
import { DEFAULT_LOCK_POLICY, type LockPolicy } from "../src/handover/statements";
import {
  BadInput,
  EXIT,
  loadStack,
  runTool,
  ServerUnreachable,
  toolCommand,
  withStackOptions,
  type StackOptions,
} from "./lib/cli";
import { describeValidation } from "./lib/handoverReport";
import { runProgram } from "./lib/mockRuntime";
import { connectTo, serverTarget } from "./lib/serverConnection";
import { validateHandover, validationFailed, type DatabaseValidation } from "./lib/validateHandover";

interface HandoverOptions extends StackOptions {
  url?: string;
  database?: string;
  validate?: boolean;
  output?: string;
  lockTimeout: string;
  retries: string;
}

async function main(argv: string[]): Promise<number> {
  const program = withStackOptions(
    toolCommand(
      "handover",
      "Read the live catalog (read only) and print a psql script that hands every object in each declared database's schemas " +
        "from the superuser (and fleetdb:handover.fromRoles) to the database's declared owner. With --validate, run it inside a " +
        "transaction that is always rolled back and prove the result as the owner and as each reader. It takes the same locks as the real run.",
    )
      .addOption(
        new Option(
          "--url <postgres-url>",
          "the server, as a superuser (password from the URL or PGPASSWORD)",
        ).makeOptionMandatory(),
      )
      .addOption(new Option("--database <db>", "only this declared database (default: every declared database)"))
      .addOption(
        new Option("--validate", "run the handover rolled back and prove it; prints a report instead of the script"),
      )
      .addOption(new Option("-o, --output <file>", "write the script (or --json) to this file instead of stdout"))
      .addOption(new Option("--lock-timeout <duration>", "how long each attempt waits for a lock").default("2s"))
      .addOption(new Option("--retries <n>", "retries after a lock was not granted, with backoff").default("4")),
  );
  program.parse(argv);
  const options = program.opts<HandoverOptions>();
  const { stack, file, config } = loadStack(options);
  const policy = lockPolicy(options);
  const handover = config.handover ?? DEFAULT_HANDOVER;
  const run = await runProgram({ config: file.config, secretKeys: file.secretKeys, stack, preview: true });
  let declared = declaredDatabases(run.resources);
  if (options.database) {
    declared = declared.filter((entry) => entry.database === options.database);
    if (declared.length === 0)
      throw new BadInput([
        `--database ${options.database}: not a declared database (declared: ${declaredDatabases(run.resources)
          .map((entry) => entry.database)
          .join(", ")})`,
      ]);
  }
  const { config: connection, display } = connectionFrom(options.url!);

  const decisions: HandoverDecision[] = [];
  const catalogs: DatabaseCatalog[] = [];
  let failed = false;
  for (const entry of declared) {
    const readers = declaredReaders(run.resources, entry);
    const catalog = await readCatalog(connection, display, entry.database, entry.schemas, [
      entry.owner,
      ...readers,
    ]).catch((error: unknown) => {
      // The server answered: the database is not there yet, which is a state to report, not an outage.
      if (error instanceof ServerUnreachable && error.code === "3D000") return undefined;
      throw error;
    });
    if (!catalog) {
      process.stderr.write(
        `handover: ${entry.database}: the database does not exist on this server: run pulumi up first\n`,
      );
      failed = true;
      continue;
    }
    if (catalog.currentDatabase !== entry.database)
      process.stderr.write(
        `handover: note: asked for database ${entry.database}, the server says current_database() is ${catalog.currentDatabase}\n`,
      );
    if (!catalog.existingRoles.includes(entry.owner)) {
      process.stderr.write(
        `handover: ${entry.database}: the owner role ${entry.owner} does not exist on this server: run pulumi up (without rotating the superuser) first\n`,
      );
      failed = true;
      continue;
    }
    const decision = decide(catalog, entry, handover);
    for (const schema of decision.timescaleSchemas)
      process.stderr.write(`handover: ${entry.database}: declared schema ${schema} is TimescaleDB's own: left out\n`);
    for (const schema of decision.missingSchemas)
      process.stderr.write(
        `handover: ${entry.database}: declared schema ${schema} does not exist: run pulumi up first\n`,
      );
    for (const report of decision.jobs) {
      if (report.kind === "follows-object" || report.kind === "custom")
        process.stderr.write(
          `handover: ${entry.database}: job ${report.job.id} (${report.job.procName}${report.job.hypertable ? ` on ${report.job.hypertable}` : ""}) is owned by ${report.job.owner}, not ${entry.owner}\n`,
        );
    }
    decisions.push(decision);
    catalogs.push(catalog);
    process.stderr.write(`handover: ${summary(decision)}\n`);
  }
  if (failed) return EXIT.checkFailed;

  if (!options.validate) {
    const context = {
      stack,
      policy,
      superusers: catalogs[0]?.superusers ?? [],
      lockTable: catalogs[0],
      timescaledb: catalogs.find((catalog) => catalog.timescaledb)?.timescaledb,
    };
    const text = options.json
      ? `${JSON.stringify({ stack, policy, databases: decisions }, null, 2)}\n`
      : handoverScript(decisions, context);
    if (options.output) writeFileSync(options.output, text);
    else process.stdout.write(text);
    return EXIT.clean;
  }

  process.stderr.write(
    "handover --validate: it takes the same locks as the real run (ACCESS EXCLUSIVE on every relation, chunk and index that moves), " +
      "all in one transaction per database, held until its ROLLBACK: run it when a short stall is acceptable.\n",
  );
  const validations: DatabaseValidation[] = [];
  for (const [index, decision] of decisions.entries()) {
    const client = await connectTo(
      { ...connection, database: decision.declared.database },
      `${display} (database ${decision.declared.database})`,
    );
    try {
      const readers = declaredReaders(run.resources, decision.declared);
      validations.push(await validateHandover(client, decision, catalogs[index], readers, handover, policy));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  const text = options.json
    ? `${JSON.stringify(
        {
          stack,
          passed: !validations.some(validationFailed),
          databases: validations.map((validation) => ({
            ...validation,
            failed: validationFailed(validation),
            jobOwners: Object.fromEntries(validation.jobOwners),
          })),
        },
        null,
        2,
      )}\n`
    : describeValidation(decisions, validations, { stack, policy, superusers: catalogs[0]?.superusers ?? [] });
  if (options.output) writeFileSync(options.output, text);
  else process.stdout.write(text);
  return validations.some(validationFailed) ? EXIT.checkFailed : EXIT.clean;
}

function lockPolicy(options: HandoverOptions): LockPolicy {
  const timeout = parseDuration(options.lockTimeout);
  if (!timeout.ok || timeout.ms === 0)
    throw new BadInput([
      `--lock-timeout: ${timeout.ok ? "0 would wait forever" : timeout.problem}; got ${options.lockTimeout}`,
    ]);
  const retries = Number(options.retries);
  if (!Number.isInteger(retries) || retries < 0 || retries > 10)
    throw new BadInput([`--retries: expected a whole number from 0 to 10, got ${options.retries}`]);
  const lockTimeout = timeout.ms % 1000 === 0 ? `${timeout.ms / 1000}s` : `${timeout.ms}ms`;
  return { ...DEFAULT_LOCK_POLICY, lockTimeout, retries };
}

/** The --url as libpq reads it (sslmode, sslrootcert, PGPASSWORD), tagged so pg_stat_activity shows the tool. */
function connectionFrom(url: string): { config: ClientConfig; display: string } {
  const target = serverTarget(url, "--url");
  return { config: { ...target.config, application_name: "fleetdb handover" }, display: target.display };
}

/** Discovery in a read-only transaction, rolled back: it changes nothing and takes no lock beyond catalog reads. */
async function readCatalog(
  connection: ClientConfig,
  display: string,
  database: string,
  schemas: string[],
  roles: string[],
): Promise<DatabaseCatalog> {
  const client = await connectTo({ ...connection, database }, `${display} (database ${database})`);
  try {
    await client.query("BEGIN READ ONLY");
    await client.query("SET LOCAL search_path = pg_catalog, pg_temp");
    return await discover(client, database, schemas, roles);
  } finally {
    await client.query("ROLLBACK").catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

function summary(decision: HandoverDecision): string {
  const { declared } = decision;
  if (!hasWork(decision)) return `${declared.database}: nothing to move`;
  const moves = decision.transactions.reduce((sum, transaction) => sum + transaction.objects.length, 0);
  return (
    `${declared.database}: ${moves} object(s) move to ${declared.owner} in ${decision.transactions.length} transaction(s); ` +
    `${decision.leftAlone.length} left alone, ${decision.kept.length} kept by config; ${decision.defaultPrivilegeChanges.length} default privilege statement(s)`
  );
}

if (require.main === module) runTool(() => main(process.argv));
