// Renders handover decisions as one psql script: a header per database saying what changes, then its transactions.
import type { HandoverDecision, JobReport } from "./decide";
import { displayName, objectName, type CatalogObject } from "./model";
import { PsqlWriter } from "../sql/psqlWriter";
import { defaultPrivilegeStatement, transactionStatements, type LockPolicy } from "./statements";

export interface ScriptContext {
  stack: string;
  policy: LockPolicy;
  /** The lock table: max_locks_per_transaction × (max_connections + max_prepared_transactions), per database's server. */
  lockTable?: { maxLocksPerTransaction: number; maxConnections: number; maxPreparedTransactions: number };
  /** Per job id, the owner validation saw after the handover (rolled back), when it ran. */
  observedJobOwners?: ReadonlyMap<number, string>;
  superusers: readonly string[];
  timescaledb?: string;
}

export function hasWork(decision: HandoverDecision): boolean {
  return decision.transactions.length > 0 || decision.defaultPrivilegeChanges.length > 0;
}

/** `psql -X -v ON_ERROR_STOP=1 -f handover.sql` applies it as a superuser; a second run prints one line. */
export function handoverScript(decisions: readonly HandoverDecision[], context: ScriptContext): string {
  const writer = new PsqlWriter();
  if (!decisions.some(hasWork)) {
    const scope = decisions.map(({ declared }) => `${declared.database} → ${declared.owner}`).join(", ");
    return writer
      .comment(
        `Nothing to move (${scope}): every object in the declared schemas is owned by its declared owner or left alone, and the default privileges are in place.`,
      )
      .toString();
  }
  const { policy } = context;
  writer
    .comment(`fleetdb handover for stack ${context.stack}: each declared database's objects go to its declared owner.`)
    .comment("Generated read only from the live catalog. Review it, run it rolled back with --validate, then apply it:")
    .comment("  psql -X -v ON_ERROR_STOP=1 -f handover.sql   (as a superuser)")
    .comment(
      "Locks: every ALTER … OWNER TO takes an ACCESS EXCLUSIVE lock on its relation (a hypertable's also on every chunk, index and compressed chunk), " +
        "held until its transaction commits: reads and writes of it wait meanwhile.",
    )
    .comment(
      `Each transaction waits at most ${policy.lockTimeout} for a lock, then rolls that attempt back (its locks released) and ` +
        (policy.retries === 0
          ? "does not retry; then psql stops: "
          : `retries up to ${policy.retries} time(s) with backoff (${backoffs(policy).join(", ")} s). After the last retry psql stops: `) +
        "that transaction changes nothing, the ones before it stay committed, and a re-run of handover prints what is left.",
    )
    .meta("set", "ON_ERROR_STOP", "on");
  for (const decision of decisions) {
    writer.blank();
    if (!hasWork(decision)) {
      writer.comment(`Database ${decision.declared.database}: nothing to move.`);
      continue;
    }
    writer.connect(decision.declared.database);
    header(writer, decision, context);
    body(writer, decision, policy);
  }
  return writer.toString();
}

function backoffs(policy: LockPolicy): number[] {
  return Array.from({ length: policy.retries }, (_, n) => Math.min(30, policy.backoffSeconds * 2 ** n));
}

function header(writer: PsqlWriter, decision: HandoverDecision, context: ScriptContext): void {
  const { declared } = decision;
  const moves = decision.transactions.flatMap((transaction) => transaction.objects);
  const from = [...new Set(moves.map((object) => object.owner))].join(", ") || "nobody";
  writer.comment(
    `Database ${declared.database}: ${moves.length} object(s) move to ${declared.owner} from ${from}, in ${decision.transactions.length} transaction(s).`,
  );
  if (context.timescaledb)
    writer.comment(
      `TimescaleDB ${context.timescaledb} (reported only: what follows an ALTER is seen, not assumed from a version).`,
    );
  for (const schema of decision.timescaleSchemas)
    writer.comment(`Declared schema ${displayName(schema)} is TimescaleDB's own: nothing in it is moved directly.`);
  for (const schema of decision.missingSchemas)
    writer.comment(`Declared schema ${displayName(schema)} does not exist here: run up first.`);
  if (moves.length > 0) writer.comment("What moves:");
  for (const object of moves) writer.comment(`  ${objectLine(object, declared.owner, context.superusers)}`);
  if (decision.leftAlone.length > 0) writer.comment("Left alone (owned by a role that does not move):");
  for (const object of decision.leftAlone)
    writer.comment(`  ${object.kind} ${objectName(object)}: owned by ${object.owner}`);
  if (decision.kept.length > 0) writer.comment("Kept by fleetdb:handover.keep:");
  for (const { object, reason } of decision.kept)
    writer.comment(`  ${object.kind} ${objectName(object)}: stays with ${object.owner}${reason ? ` (${reason})` : ""}`);
  writer.comment(`Already owned by ${declared.owner}: ${decision.alreadyOwned} object(s).`);
  if (decision.oldDefaultPrivileges.length > 0) {
    writer.comment(
      `Default privileges of the roles that move (they stop applying once ${declared.owner} creates the objects):`,
    );
    for (const row of decision.oldDefaultPrivileges) {
      const scope = row.schema === undefined ? "in every schema" : `IN SCHEMA ${displayName(row.schema)}`;
      const what =
        row.privilege === "" ? "nothing (all revoked)" : `${row.privilege}${row.grantable ? " (grantable)" : ""}`;
      writer.comment(`  FOR ROLE ${row.role} ${scope}: ${row.objectType}: ${what} to ${row.grantee ?? "PUBLIC"}`);
    }
    writer.comment(
      decision.defaultPrivilegeChanges.length > 0
        ? `  rendered FOR ROLE ${declared.owner} in the last transaction below (${decision.defaultPrivilegeChanges.length} statement(s)).`
        : `  ${declared.owner}'s own default privileges already cover them.`,
    );
  }
  if (decision.jobs.length > 0) writer.comment("TimescaleDB jobs (fleetdb never writes TimescaleDB's catalog):");
  for (const report of decision.jobs) writer.comment(`  ${jobLine(report, declared.owner, context.observedJobOwners)}`);
  const largest = Math.max(0, ...decision.transactions.map((transaction) => transaction.locks));
  if (context.lockTable) {
    const { maxLocksPerTransaction, maxConnections, maxPreparedTransactions } = context.lockTable;
    const slots = maxLocksPerTransaction * (maxConnections + maxPreparedTransactions);
    writer.comment(
      `Lock table: max_locks_per_transaction ${maxLocksPerTransaction} × (max_connections ${maxConnections} + max_prepared_transactions ${maxPreparedTransactions}) = ${slots} slots shared by every session; the largest transaction here takes about ${largest}.`,
    );
    if (largest > maxLocksPerTransaction)
      writer.comment(
        `  It takes more than max_locks_per_transaction: it fits only while the shared table has room ("out of shared memory" otherwise). Run it when the server is quiet, or raise max_locks_per_transaction (a restart).`,
      );
  }
}

function objectLine(object: CatalogObject, owner: string, superusers: readonly string[]): string {
  const name = `${object.kind} ${objectName(object)} (from ${object.owner})`;
  const oldOwner = superusers.includes(object.owner) ? `${object.owner} (a superuser)` : object.owner;
  const notes: string[] = [];
  if (object.kind === "hypertable")
    notes.push(
      `${object.chunks} chunks, ${object.compressedChunks} compressed chunks follow (about ${object.locks} locks)`,
    );
  if (object.kind === "continuous aggregate")
    notes.push(
      `ALTER MATERIALIZED VIEW; its materialization hypertable ${displayName(object.materialization!.schema, object.materialization!.name)} (${object.chunks} chunk(s), ${object.compressedChunks} compressed), partial and direct views follow`,
    );
  if (object.ownedSequences?.length)
    notes.push(
      `its sequence(s) ${object.ownedSequences.map((sequence) => displayName(object.schema, sequence)).join(", ")} follow`,
    );
  if ((object.kind === "view" && !object.securityInvoker) || object.kind === "materialized view")
    notes.push(
      `${object.kind === "view" ? "runs" : "REFRESH runs"} with its owner's privileges: it reads what ${owner} may read, no longer what ${oldOwner} may`,
    );
  if (object.kind === "continuous aggregate")
    notes.push(`its refreshes read the hypertable with ${owner}'s privileges, no longer ${oldOwner}'s`);
  if (object.securityDefiner) notes.push(`SECURITY DEFINER: runs as ${owner} from now on, no longer as ${oldOwner}`);
  if (object.rowSecurity === "on")
    notes.push(
      `row-level security: the owner bypasses the policies, so ${owner} (and every service logged in as it) does from now on; ` +
        (superusers.includes(object.owner)
          ? `${object.owner} still does as a superuser`
          : `${object.owner} no longer does`),
    );
  if (object.rowSecurity === "forced") notes.push(`FORCE ROW LEVEL SECURITY: the policies bind the owner ${owner} too`);
  return notes.length > 0 ? `${name}: ${notes.join("; ")}` : name;
}

/** What happens to a job, what validation saw, and what the operator can do about one that keeps its owner. */
function jobLine(report: JobReport, owner: string, observed?: ReadonlyMap<number, string>): string {
  const { job } = report;
  const name = `job ${job.id} (${job.procName}${job.hypertable ? ` on ${job.hypertable}` : ""}), owner ${job.owner}`;
  switch (report.kind) {
    case "timescaledb":
      return `${name}: TimescaleDB's own job; left alone`;
    case "owned":
      return `${name}: already ${owner}'s`;
    case "other":
      return `${name}: not a role that moves; left alone`;
    case "custom":
      return `${name}: an add_job job; no ALTER moves it: as ${owner}, add_job it again, then delete_job(${job.id})`;
    case "follows-object": {
      const seen = observed?.get(job.id);
      const verdict =
        seen === undefined
          ? `moves with ${report.object} only where this TimescaleDB propagates ALTER … OWNER TO to jobs: --validate shows what this server does`
          : seen === owner
            ? `follows ${report.object} (seen in validation)`
            : `keeps ${seen} (seen in validation)`;
      return `${name}: ${verdict}. If it keeps ${job.owner}: ${remedy(job.procName, report.object ?? "", owner)}`;
    }
  }
}

const POLICY_FUNCTIONS: Record<string, [string, string]> = {
  policy_compression: ["remove_compression_policy", "add_compression_policy"],
  policy_retention: ["remove_retention_policy", "add_retention_policy"],
  policy_refresh_continuous_aggregate: ["remove_continuous_aggregate_policy", "add_continuous_aggregate_policy"],
  policy_reorder: ["remove_reorder_policy", "add_reorder_policy"],
};

function remedy(procName: string, object: string, owner: string): string {
  const functions = POLICY_FUNCTIONS[procName];
  if (!functions) return `as ${owner}, add_job it again, then delete_job the old one`;
  return `as ${owner}, ${functions[0]}('${object}') and ${functions[1]} again with the same settings (the new job belongs to the owner); never UPDATE _timescaledb_config.bgw_job`;
}

function body(writer: PsqlWriter, decision: HandoverDecision, policy: LockPolicy): void {
  const { owner } = decision.declared;
  for (const transaction of decision.transactions) {
    const only = transaction.objects.length === 1 ? transaction.objects[0] : undefined;
    writer
      .blank()
      .comment(
        `${transaction.label}: ${only ? `${only.kind} ${objectName(only)}` : `${transaction.objects.length} objects`}, about ${transaction.locks} relation locks`,
      )
      .sql("BEGIN;");
    for (const statement of transactionStatements(transaction, owner, policy)) writer.sql(`${statement};`);
    writer.sql("COMMIT;");
  }
  if (decision.defaultPrivilegeChanges.length > 0) {
    writer.blank().comment(`Default privileges FOR ROLE ${owner}, equivalent to those of the roles that moved`);
    writer.sql("BEGIN;");
    for (const change of decision.defaultPrivilegeChanges) writer.sql(`${defaultPrivilegeStatement(change, owner)};`);
    writer.sql("COMMIT;");
  }
}
