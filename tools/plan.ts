// npm run plan: the SQL the stack's postgresql resources mean, as a psql script; --validate runs it rolled back.
import { writeFileSync } from "node:fs";
import { Option } from "commander";
import { PROVIDER_DIFFERENCES } from "../src/sql/plan";
import { planFromResources } from "../src/sql/planFromResources";
import { psqlScript } from "../src/sql/psqlScript";
import { EXIT, loadStack, runTool, toolCommand, withStackOptions, type StackOptions } from "./lib/cli";
import { runProgram } from "./lib/mockRuntime";
import { serverTarget } from "./lib/serverConnection";
import { validatePlan, type ValidationReport } from "./lib/validatePlan";

interface PlanOptions extends StackOptions {
  validate?: string;
  output?: string;
}

async function main(argv: string[]): Promise<number> {
  const program = withStackOptions(
    toolCommand(
      "plan",
      "Print the SQL the stack's declared postgresql resources mean, in the order a fresh `pulumi up` runs them, as a psql script " +
        "(passwords never appear). With --validate, run it against a live server inside transactions that are always rolled back.",
    )
      .addOption(
        new Option(
          "--validate <postgres-url>",
          "validate against this server (the URL's user must be the admin the provider logs in as: the superuser, or in mode external the platform's admin; its password may come from PGPASSWORD)",
        ),
      )
      .addOption(
        new Option(
          "-o, --output <file>",
          "write the script (or --json) to this file instead of stdout (npm run prints its own banner on stdout unless -s)",
        ),
      ),
  );
  program.parse(argv);
  const options = program.opts<PlanOptions>();
  const { stack, file } = loadStack(options);
  // A bad URL is bad input before anything runs.
  const target = options.validate !== undefined ? serverTarget(options.validate, "--validate") : undefined;
  const run = await runProgram({ config: file.config, secretKeys: file.secretKeys, stack, preview: true });
  const plan = planFromResources(run.resources);

  if (!options.validate) {
    const text = options.json
      ? `${JSON.stringify({ stack, ...plan, differences: PROVIDER_DIFFERENCES }, null, 2)}\n`
      : psqlScript(plan, [
          `fleetdb SQL plan for stack ${stack} (${plan.steps.length} resources), generated from the program's declared resources.`,
        ]);
    if (options.output) writeFileSync(options.output, text);
    else process.stdout.write(text);
    process.stderr.write(
      `plan: ${plan.steps.length} resources, ${plan.steps.reduce((sum, step) => sum + step.statements.length, 0)} statements\n`,
    );
    return EXIT.clean;
  }

  const report = await validatePlan(plan, { connection: target!.config, display: target!.display });
  process.stdout.write(options.json ? `${JSON.stringify(summary(report), null, 2)}\n` : reportText(report));
  return report.failure ? EXIT.checkFailed : EXIT.clean;
}

function summary(report: ValidationReport) {
  return {
    wouldApply: !report.failure,
    validated: report.validated,
    notValidated: report.notValidated,
    skipped: report.skippedStatements.map(({ step, reason }) => ({ resource: step.name, type: step.type, reason })),
    failure: report.failure && {
      database: report.failure.database,
      resource: report.failure.step.name,
      type: report.failure.step.type,
      urn: report.failure.step.urn,
      statement: report.failure.statement,
      error: report.failure.error,
    },
  };
}

function reportText(report: ValidationReport): string {
  const lines: string[] = [];
  for (const database of report.validated) lines.push(`validated (rolled back): ${database}`);
  for (const { database, reason } of report.notValidated) lines.push(`not validated: ${database}: ${reason}`);
  for (const { step, reason } of report.skippedStatements) lines.push(`not run: ${step.type} ${step.name}: ${reason}`);
  if (report.failure) {
    const { failure } = report;
    lines.push(
      "",
      `FAIL in database ${failure.database}, resource ${failure.step.type} ${failure.step.name}:`,
      `  statement: ${failure.statement.replace(/\n/g, "\n             ")}`,
    );
    lines.push(`  error: ${failure.error.message}${failure.error.code ? ` (SQLSTATE ${failure.error.code})` : ""}`);
    if (failure.error.detail) lines.push(`  detail: ${failure.error.detail}`);
    if (failure.error.hint) lines.push(`  hint: ${failure.error.hint}`);
  } else {
    lines.push("", "PASS: every validated statement would apply; nothing was committed");
  }
  return `${lines.join("\n")}\n`;
}

if (require.main === module) runTool(() => main(process.argv));
