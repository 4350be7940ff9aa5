// --validate: runs the plan on a live server inside transactions that are always rolled back.
import type { ClientConfig } from "pg";
import { connectTo } from "./serverConnection";
import type { Plan, PlanStep } from "../../src/sql/plan";

export interface ValidationFailure {
  database: string;
  step: PlanStep;
  statement: string;
  error: { message: string; code?: string; detail?: string; hint?: string };
}

export interface ValidationReport {
  /** Databases whose statements ran (and were rolled back). */
  validated: string[];
  /** Databases the plan uses that do not exist yet (created by the plan itself), with why they were skipped. */
  notValidated: { database: string; reason: string }[];
  /** CREATE DATABASE statements: they cannot run in a transaction, so validation only checks their target. */
  skippedStatements: { step: PlanStep; reason: string }[];
  failure?: ValidationFailure;
}

/** Statements that would end or escape the transaction: validation refuses to send them. */
const ESCAPES_TRANSACTION =
  /^\s*(COMMIT|END|ROLLBACK|ABORT|BEGIN|START\s+TRANSACTION|PREPARE\s+TRANSACTION|COMMIT\s+PREPARED|CREATE\s+DATABASE|DROP\s+DATABASE|ALTER\s+SYSTEM|VACUUM|CHECKPOINT)\b/i;

export interface ValidateOptions {
  /** Admin connection (its database is ignored: each database gets its own connection). */
  connection: ClientConfig;
  /** user@host:port for messages (no password). */
  display: string;
}

/**
 * For each database the plan touches (in plan order): one connection, BEGIN, short lock and statement
 * timeouts, the cluster-wide role statements first (an uncommitted CREATE ROLE is visible only to its
 * own session), then that database's statements, then ROLLBACK, always. Stops at the first failure.
 */
export async function validatePlan(plan: Plan, options: ValidateOptions): Promise<ValidationReport> {
  const report: ValidationReport = { validated: [], notValidated: [], skippedStatements: [] };
  // Cluster-wide statements, run again in every database's transaction; IN DATABASE settings only in theirs.
  const roleSteps = plan.steps.filter(
    (step) =>
      (step.type === "postgresql:index/role:Role" ||
        step.type === "postgresql:index/grantRole:GrantRole" ||
        step.kind === "role-setting") &&
      !step.requiresDatabase,
  );
  const inDatabase = (database: string) => (step: PlanStep) =>
    step.requiresDatabase === database || (step.database === database && !step.requiresDatabase);
  const databases = [
    ...new Set([plan.providerDatabase, ...plan.steps.map((step) => step.requiresDatabase ?? step.database)]),
  ];
  const existing = await existingDatabases(options, plan.providerDatabase);
  const createdByPlan = new Set(
    plan.steps.flatMap((step) =>
      step.statements.map((statement) => statement.createsDatabase).filter((name): name is string => !!name),
    ),
  );

  for (const step of plan.steps) {
    for (const statement of step.statements) {
      if (statement.createsDatabase) {
        report.skippedStatements.push({
          step,
          reason: existing.has(statement.createsDatabase)
            ? `database ${statement.createsDatabase} exists: the plan's guard skips CREATE DATABASE`
            : "CREATE DATABASE cannot run inside a transaction; it was not run",
        });
      }
    }
  }

  for (const database of databases) {
    if (!existing.has(database)) {
      report.notValidated.push({
        database,
        reason: createdByPlan.has(database)
          ? "does not exist yet (the plan creates it)"
          : "does not exist on this server",
      });
      continue;
    }
    const steps =
      database === plan.providerDatabase
        ? plan.steps.filter(inDatabase(database))
        : [...roleSteps, ...plan.steps.filter(inDatabase(database))];
    const failure = await runRolledBack(database, steps, options);
    report.validated.push(database);
    if (failure) {
      report.failure = failure;
      break;
    }
  }
  return report;
}

async function existingDatabases(options: ValidateOptions, database: string): Promise<Set<string>> {
  const client = await connectTo({ ...options.connection, database }, `${options.display} (database ${database})`);
  try {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_catalog.pg_database WHERE datallowconn",
    );
    return new Set(rows.map((row) => row.datname));
  } finally {
    await client.end();
  }
}

async function runRolledBack(
  database: string,
  steps: PlanStep[],
  options: ValidateOptions,
): Promise<ValidationFailure | undefined> {
  const client = await connectTo(
    { ...options.connection, database, application_name: "fleetdb plan --validate" },
    `${options.display} (database ${database})`,
  );
  try {
    await client.query("BEGIN");
    // Short waits: validation takes the same locks the real apply does, and must not queue behind traffic.
    await client.query("SET LOCAL lock_timeout = '3s'");
    await client.query("SET LOCAL statement_timeout = '30s'");
    for (const step of steps) {
      for (const statement of step.statements) {
        if (statement.createsDatabase) continue;
        if (ESCAPES_TRANSACTION.test(statement.sql)) {
          return {
            database,
            step,
            statement: statement.sql,
            error: { message: "refused: this statement would end or escape the validation transaction" },
          };
        }
        try {
          // The extended protocol takes exactly one statement: nothing can ride along after it.
          await client.query({ text: statement.sql, queryMode: "extended" } as unknown as string);
        } catch (error) {
          const pgError = error as { message: string; code?: string; detail?: string; hint?: string };
          return {
            database,
            step,
            statement: statement.sql,
            error: { message: pgError.message, code: pgError.code, detail: pgError.detail, hint: pgError.hint },
          };
        }
      }
    }
    return undefined;
  } finally {
    // Always: whatever ran, nothing is committed. A dead connection rolls back on the server.
    await client.query("ROLLBACK").catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}
