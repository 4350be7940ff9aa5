// The report handover --validate prints: per database, what ran, what the owner and readers could do, and the jobs.
import type { HandoverDecision } from "../../src/handover/decide";
import type { LockPolicy } from "../../src/handover/statements";
import { validationFailed, type DatabaseValidation } from "./validateHandover";

export interface ReportContext {
  stack: string;
  policy: LockPolicy;
  superusers: readonly string[];
}

export function describeValidation(
  decisions: readonly HandoverDecision[],
  validations: readonly DatabaseValidation[],
  context: ReportContext,
): string {
  const lines = [
    `handover --validate for stack ${context.stack}: run in one transaction per database, always rolled back (it took the same locks as the real run, all at once, until the rollback).`,
  ];
  for (const [index, validation] of validations.entries()) {
    const decision = decisions[index];
    const { owner } = decision.declared;
    const moves = decision.transactions.reduce((sum, transaction) => sum + transaction.objects.length, 0);
    lines.push(
      "",
      `${validation.database}: ${moves} object(s) to ${owner} in ${decision.transactions.length} transaction(s)`,
    );
    if (validation.failure) {
      const { failure } = validation;
      lines.push(
        `  FAIL in ${failure.transaction}: ${failure.error}`,
        `  statement: ${failure.statement.replace(/\n/g, "\n             ")}`,
      );
      continue;
    }
    lines.push(
      validation.leftOver.length === 0
        ? "  a re-run would find nothing to move"
        : `  FAIL: a re-run would still move: ${validation.leftOver.join(", ")}`,
    );
    for (const check of validation.ownerChecks)
      lines.push(`  ${check.ok ? "ok" : "FAIL"}: ${check.what}${check.detail ? `: ${check.detail}` : ""}`);
    for (const reader of validation.readers) {
      const allowed = reader.readable - reader.regressions.length - reader.refusedBefore.length;
      lines.push(
        `  ${reader.regressions.length === 0 ? "ok" : "FAIL"}: reader ${reader.role} may SELECT from ${allowed} of ${reader.readable} relation(s) after, as before`,
      );
      for (const regression of reader.regressions)
        lines.push(`    FAIL: ${regression.what} worked before and is refused after: ${regression.detail}`);
      if (reader.refusedBefore.length > 0)
        lines.push(`    refused before and after (not the handover's doing): ${reader.refusedBefore.join(", ")}`);
    }
    if (validation.missingReaders.length > 0)
      lines.push(`  not on this server, not checked: ${validation.missingReaders.join(", ")}`);
    for (const report of decision.jobs) {
      const { job } = report;
      const after = validation.jobOwners.get(job.id);
      const name = `job ${job.id} (${job.procName}${job.hypertable ? ` on ${job.hypertable}` : ""})`;
      if (report.kind === "timescaledb") lines.push(`  ${name}: TimescaleDB's own job, left alone`);
      else if (report.kind === "other") lines.push(`  ${name}: owned by ${job.owner}, left alone`);
      else if (after === owner) lines.push(`  ${name}: owner ${job.owner} → ${owner} (follows)`);
      else if (report.kind === "custom")
        lines.push(
          `  ${name}: an add_job job, keeps its owner ${after ?? job.owner}: as ${owner}, add_job it again, then delete_job(${job.id})`,
        );
      else
        lines.push(
          `  ${name}: keeps its owner ${after ?? job.owner} on this TimescaleDB: after the handover, as ${owner}, remove the policy and add it again (the new job belongs to the owner)`,
        );
    }
  }
  const failed = validations.some(validationFailed);
  lines.push(
    "",
    failed
      ? "FAIL: the handover would not apply as shown, or would take away what a role can do; nothing was committed"
      : "PASS: the handover would apply and the owner and readers keep working; nothing was committed",
  );
  return `${lines.join("\n")}\n`;
}
