// npm run audit: a read-only comparison of the live server with the stack, finding by finding, with the cutover table.
import { Option } from "commander";
import { audit } from "../src/audit/audit";
import { declaredModel } from "../src/audit/declared";
import { downgrade, fails, KINDS, type Kind } from "../src/audit/findings";
import { CatalogUnreachable, readCatalog } from "../src/audit/readCatalog";
import { renderReport } from "../src/audit/report";
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
import { runProgram } from "./lib/mockRuntime";
import { serverTarget } from "./lib/serverConnection";

interface AuditOptions extends StackOptions {
  url?: string;
  failOn: "error" | "warning";
  downgrade?: string;
}

/** Kinds a planned cutover may lower to information; drift in roles, grants or owners never is. */
export const DOWNGRADABLE: readonly Kind[] = ["superuser-session", "service-cutover"];

async function main(argv: string[]): Promise<number> {
  const program = withStackOptions(
    toolCommand(
      "audit",
      "Compare the live server with the stack, read-only: one connection at a time (application_name=fleetdb-audit), " +
        "each in a READ ONLY transaction that is rolled back. Visits postgres and each declared database.",
    )
      .addOption(
        new Option(
          "--url <postgres-url>",
          "the server to audit (a superuser, or the auditor login: pg_monitor + CONNECT); the password may come from PGPASSWORD",
        ),
      )
      .addOption(
        new Option("--fail-on <severity>", "exit 1 on findings of this severity or worse")
          .choices(["error", "warning"])
          .default("error"),
      )
      .addOption(
        new Option(
          "--downgrade <kinds>",
          `during a planned cutover, report these kinds as information (comma-separated: ${DOWNGRADABLE.join(", ")})`,
        ),
      )
      .addHelpText(
        "after",
        "  (audit) 1 means a finding at --fail-on or worse; information never counts. See docs/audit.md.",
      ),
  );
  program.parse(argv);
  const options = program.opts<AuditOptions>();
  if (!options.url) throw new BadInput(["give --url <postgres-url> (the server to audit)"]);
  const downgraded = parseDowngrade(options.downgrade);
  const { config: connection, display } = serverTarget(options.url, "--url");
  const { stack, file, config } = loadStack(options);

  const run = await runProgram({ config: file.config, secretKeys: file.secretKeys, stack, preview: false });
  const model = declaredModel(run.resources, run.outputs, {
    unmanaged: Object.entries(config.budget.unmanaged).map(([name, consumer]) => ({
      name,
      slots: consumer.slots,
      role: consumer.role,
    })),
    match: config.audit.match,
    auditor: config.audit.auditor?.name,
  });
  const maintenanceDatabase = "postgres";
  const databases = [maintenanceDatabase, ...model.databases.map((database) => database.name)].map((name) => ({
    name,
    schemas: model.schemas.filter((schema) => schema.database === name).map((schema) => schema.name),
  }));

  let live;
  try {
    live = await readCatalog(connection, { maintenanceDatabase, databases });
  } catch (error) {
    if (error instanceof CatalogUnreachable)
      throw new ServerUnreachable(`cannot connect to ${display}: ${redact(error.message, connection.password)}`);
    throw error;
  }
  const report = audit(model, live);
  const findings = downgrade(report.findings, downgraded);
  const final = { ...report, findings };
  const budget = model.budget;
  process.stdout.write(
    options.json
      ? `${JSON.stringify({ stack, user: final.user, findings, skipped: final.skipped, sessions: final.sessions, cutover: final.cutover }, null, 2)}\n`
      : renderReport(final, budget),
  );
  const failed = fails(findings, options.failOn);
  process.stderr.write(
    `audit: ${findings.length} finding(s), ${final.skipped.length} check(s) not run; ${failed ? `FAIL (--fail-on ${options.failOn})` : "pass"}\n`,
  );
  return failed ? EXIT.checkFailed : EXIT.clean;
}

function parseDowngrade(text: string | undefined): Set<Kind> {
  const kinds = (text ?? "")
    .split(",")
    .map((kind) => kind.trim())
    .filter((kind) => kind !== "");
  const wrong = kinds.filter((kind) => !DOWNGRADABLE.includes(kind as Kind));
  if (wrong.length > 0)
    throw new BadInput([
      `--downgrade: ${wrong.join(", ")} cannot be downgraded (allowed: ${DOWNGRADABLE.join(", ")}; kinds: ${Object.keys(KINDS).join(", ")})`,
    ]);
  return new Set(kinds as Kind[]);
}

function redact(message: string, password: unknown): string {
  return typeof password === "string" && password !== "" ? message.split(password).join("<password>") : message;
}

runTool(() => main(process.argv));
