// Renders a plan as a psql script: \connect where the database changes, one transaction per resource.
import { escapeIdentifier, escapeLiteral } from "pg";
import { DIFFERENCES, type Difference, type Plan, type PlanStatement } from "./plan";

/** psql variables take [A-Za-z0-9_]; database names may hold anything. */
function variableFor(database: string): string {
  return `create_${Buffer.from(database).toString("hex")}`;
}

function renderStatement(statement: PlanStatement): string {
  if (!statement.createsDatabase) return `${statement.sql};`;
  const variable = variableFor(statement.createsDatabase);
  return [
    "-- CREATE DATABASE cannot run in a transaction block: it runs on its own, only when the database is missing.",
    `SELECT NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = ${escapeLiteral(statement.createsDatabase)}) AS ${variable} \\gset`,
    `\\if :${variable}`,
    `${statement.sql};`,
    "\\endif",
  ].join("\n");
}

/**
 * `psql -X -v ON_ERROR_STOP=1 -f plan.sql` applies it to a fresh server as a superuser, and a second run
 * changes nothing. Each resource's statements run in one transaction, as the provider runs them.
 */
export function psqlScript(plan: Plan, header: string[] = []): string {
  const used = [...new Set(plan.steps.flatMap((step) => step.differences))] as Difference[];
  const lines = [
    ...header.map((line) => `-- ${line}`),
    "-- Run: psql -X -v ON_ERROR_STOP=1 -f plan.sql (as the superuser the provider logs in as).",
    ...(used.length > 0
      ? ["-- Where this plan differs from the provider's statements (marked [key] per resource):"]
      : []),
    ...used.map((key) => `--   [${key}] ${DIFFERENCES[key]}`),
    "\\set ON_ERROR_STOP on",
    `\\connect ${escapeIdentifier(plan.providerDatabase)}`,
  ];
  let current = plan.providerDatabase;
  if (plan.steps.length === 0) lines.push("-- Nothing to do: the stack declares no postgresql resources.");
  for (const step of plan.steps) {
    lines.push("");
    if (step.database !== current) {
      lines.push(`\\connect ${escapeIdentifier(step.database)}`);
      current = step.database;
    }
    const what = step.kind ? `${step.type} (fleetdb ${step.kind})` : step.type;
    lines.push(`-- ${what} ${step.name}${step.differences.length > 0 ? ` [${step.differences.join("] [")}]` : ""}`);
    if (step.statements.length === 0) {
      lines.push("-- (nothing to run here)");
      continue;
    }
    const transactional = step.statements.every((statement) => statement.transactional);
    if (transactional) lines.push("BEGIN;");
    for (const statement of step.statements) lines.push(renderStatement(statement));
    if (transactional) lines.push("COMMIT;");
  }
  return `${lines.join("\n")}\n`;
}
