// Renders a plan as a psql script: \connect where the database changes, one transaction per resource.
import { escapeLiteral } from "pg";
import { PROVIDER_DIFFERENCES, type Difference, type Plan, type PlanStatement } from "./plan";
import { PsqlWriter } from "./psqlWriter";

/** psql variables take [A-Za-z0-9_]; database names may hold anything. */
function variableFor(database: string): string {
  return `create_${Buffer.from(database).toString("hex")}`;
}

function writeStatement(script: PsqlWriter, statement: PlanStatement): void {
  if (!statement.createsDatabase) {
    script.sql(`${statement.sql};`);
    return;
  }
  const variable = variableFor(statement.createsDatabase);
  script
    .comment(
      "CREATE DATABASE cannot run in a transaction block: it runs on its own, only when the database is missing.",
    )
    .sqlWithMeta(
      `SELECT NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = ${escapeLiteral(statement.createsDatabase)}) AS ${variable}`,
      "gset",
    )
    .conditional(variable, (body) => body.sql(`${statement.sql};`));
}

/**
 * `psql -X -v ON_ERROR_STOP=1 -f plan.sql` applies it to a fresh server as a superuser, and a second run
 * changes nothing. Each resource's statements run in one transaction, as the provider runs them.
 */
export function psqlScript(plan: Plan, header: string[] = []): string {
  const used = [...new Set(plan.steps.flatMap((step) => step.differences))] as Difference[];
  const script = new PsqlWriter();
  for (const line of header) script.comment(line);
  script.comment(
    plan.nonSuperuser
      ? "Run: psql -X -v ON_ERROR_STOP=1 -f plan.sql (as the admin login the provider logs in as; it is not a superuser)."
      : "Run: psql -X -v ON_ERROR_STOP=1 -f plan.sql (as the superuser the provider logs in as).",
  );
  if (used.length > 0)
    script.comment("Where this plan differs from the provider's statements (marked [key] per resource):");
  for (const key of used) script.comment(`  [${key}] ${PROVIDER_DIFFERENCES[key]}`);
  script.meta("set", "ON_ERROR_STOP", "on").connect(plan.providerDatabase);
  let current = plan.providerDatabase;
  if (plan.steps.length === 0) script.comment("Nothing to do: the stack declares no postgresql resources.");
  for (const step of plan.steps) {
    script.blank();
    if (step.database !== current) {
      script.connect(step.database);
      current = step.database;
    }
    const what = step.kind ? `${step.type} (fleetdb ${step.kind})` : step.type;
    script.comment(`${what} ${step.name}${step.differences.length > 0 ? ` [${step.differences.join("] [")}]` : ""}`);
    if (step.statements.length === 0) {
      script.comment("(nothing to run here)");
      continue;
    }
    const transactional = step.statements.every((statement) => statement.transactional);
    if (transactional) script.sql("BEGIN;");
    for (const statement of step.statements) writeStatement(script, statement);
    if (transactional) script.sql("COMMIT;");
  }
  return script.toString();
}
