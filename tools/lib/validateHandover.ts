// handover --validate: the handover of one database in a transaction that is always rolled back, proved inside it.
import { escapeIdentifier } from "pg";
import type { Client } from "pg";
import type { HandoverConfig } from "../../src/config/sections/handover";
import { decide, type HandoverDecision } from "../../src/handover/decide";
import { discover } from "../../src/handover/discover";
import {
  displayName,
  objectName,
  READABLE_KINDS,
  type CatalogObject,
  type DatabaseCatalog,
} from "../../src/handover/model";
import { defaultPrivilegeStatement, transactionStatements, type LockPolicy } from "../../src/handover/statements";

export interface Check {
  what: string;
  ok: boolean;
  detail?: string;
}

export interface DatabaseValidation {
  database: string;
  /** The statement that failed (the handover would stop there), if one did. */
  failure?: { transaction: string; statement: string; error: string };
  /** What the owner could do afterwards (SET ROLE <owner>). */
  ownerChecks: Check[];
  /** Per reader: relations it could SELECT before and not after (a regression), and refused both times. */
  readers: { role: string; readable: number; regressions: Check[]; refusedBefore: string[] }[];
  missingReaders: string[];
  /** Job id → owner after the handover (rolled back). */
  jobOwners: Map<number, string>;
  /** What a re-run would still move, as "kind name". */
  leftOver: string[];
}

export function validationFailed(validation: DatabaseValidation): boolean {
  return (
    validation.failure !== undefined ||
    validation.leftOver.length > 0 ||
    validation.ownerChecks.some((check) => !check.ok) ||
    validation.readers.some((reader) => reader.regressions.length > 0)
  );
}

/**
 * On `client` (connected to the database, as a superuser): BEGIN, reader checks, every transaction of the
 * handover, default privileges, a fresh discovery (a re-run must find nothing), the owner's checks, the
 * readers again, then ROLLBACK whatever happened. It takes the same locks as the real run, all at once.
 */
export async function validateHandover(
  client: Client,
  decision: HandoverDecision,
  catalog: DatabaseCatalog,
  readers: readonly string[],
  config: HandoverConfig,
  policy: LockPolicy,
): Promise<DatabaseValidation> {
  const { declared } = decision;
  const existing = readers.filter((role) => catalog.existingRoles.includes(role));
  const validation: DatabaseValidation = {
    database: declared.database,
    ownerChecks: [],
    readers: [],
    missingReaders: readers.filter((role) => !catalog.existingRoles.includes(role)),
    jobOwners: new Map(),
    leftOver: [],
  };
  const readable = catalog.objects.filter((object) => READABLE_KINDS.has(object.kind));
  try {
    await client.query("BEGIN");
    await client.query("SET LOCAL statement_timeout = '10min'");
    await client.query("SET LOCAL search_path = pg_catalog, pg_temp");
    const before = new Map<string, Map<string, string | undefined>>();
    for (const role of existing) before.set(role, await selectAs(client, role, readable));
    const materializations = decision.transactions
      .flatMap((transaction) => transaction.objects)
      .filter((object) => object.kind === "continuous aggregate" && object.materialization);
    const grantsBefore = new Map<CatalogObject, string[]>();
    for (const cagg of materializations)
      grantsBefore.set(cagg, await grantsOf(client, cagg.materialization!, [cagg.owner]));

    for (const transaction of decision.transactions) {
      for (const statement of transactionStatements(transaction, declared.owner, policy)) {
        const error = await attempt(client, statement);
        if (error) {
          validation.failure = { transaction: transaction.label, statement, error };
          return validation;
        }
      }
    }
    for (const change of decision.defaultPrivilegeChanges) {
      const statement = defaultPrivilegeStatement(change, declared.owner);
      const error = await attempt(client, statement);
      if (error) {
        validation.failure = { transaction: "default privileges", statement, error };
        return validation;
      }
    }

    const after = await discover(client, declared.database, declared.schemas, [declared.owner, ...readers]);
    const again = decide(after, declared, config);
    validation.leftOver = again.transactions.flatMap((transaction) =>
      transaction.objects.map((object) => `${object.kind} ${objectName(object)}`),
    );
    validation.leftOver.push(
      ...again.defaultPrivilegeChanges.map((change) => `default privileges ${change.action} ${change.objectType}`),
    );
    for (const job of after.jobs) validation.jobOwners.set(job.id, job.owner);
    validation.ownerChecks = await ownerChecks(client, decision, after);
    for (const [cagg, was] of grantsBefore) {
      const now = await grantsOf(client, cagg.materialization!, [declared.owner]);
      const name = displayName(cagg.materialization!.schema, cagg.materialization!.name);
      const same = JSON.stringify(now) === JSON.stringify(was);
      validation.ownerChecks.push({
        what: `privileges on ${name} besides its owner's, as before: ${now.join(", ") || "none"}`,
        ok: same,
        detail: same ? undefined : `before: ${was.join(", ") || "none"}`,
      });
    }

    for (const role of existing) {
      const now = await selectAs(client, role, readable);
      const was = before.get(role)!;
      const regressions: Check[] = [];
      const refusedBefore: string[] = [];
      for (const [name, error] of now) {
        if (was.get(name) !== undefined) refusedBefore.push(name);
        else if (error !== undefined) regressions.push({ what: `SELECT on ${name}`, ok: false, detail: error });
      }
      validation.readers.push({ role, readable: readable.length, regressions, refusedBefore });
    }
    return validation;
  } finally {
    // Always: nothing of the handover is committed. A dead connection rolls back on the server too.
    await client.query("ROLLBACK").catch(() => undefined);
  }
}

async function attempt(client: Client, statement: string): Promise<string | undefined> {
  try {
    await client.query(statement);
    return undefined;
  } catch (error) {
    const pgError = error as { message: string; code?: string };
    return `${pgError.message}${pgError.code ? ` (SQLSTATE ${pgError.code})` : ""}`;
  }
}

/**
 * `sql` as `role` in a savepoint that is always rolled back; the error message if it failed. An admin that is
 * not a superuser (mode external) holds only ADMIN on the roles it created (PostgreSQL 16): inside the
 * savepoint it grants itself SET on `role` first, and the rollback takes that back too.
 */
async function asRole(client: Client, role: string, sql: string): Promise<string | undefined> {
  await client.query("SAVEPOINT fleetdb_probe");
  try {
    const canSet = await client.query<{ can: boolean }>(
      "SELECT CASE WHEN current_setting('server_version_num')::int < 160000 THEN true ELSE pg_catalog.pg_has_role(CURRENT_USER, $1::name, 'SET') END AS can",
      [role],
    );
    if (!canSet.rows[0].can)
      await client.query(`GRANT ${escapeIdentifier(role)} TO CURRENT_USER WITH INHERIT FALSE, SET TRUE`);
    await client.query(`SET LOCAL ROLE ${escapeIdentifier(role)}`);
    return await attempt(client, sql);
  } finally {
    await client.query("ROLLBACK TO SAVEPOINT fleetdb_probe");
    await client.query("RELEASE SAVEPOINT fleetdb_probe");
  }
}

/** Per relation: undefined when `role` may SELECT from it, else the server's refusal. */
async function selectAs(
  client: Client,
  role: string,
  relations: readonly CatalogObject[],
): Promise<Map<string, string | undefined>> {
  const result = new Map<string, string | undefined>();
  for (const relation of relations) {
    // LIMIT 0 reads nothing, but the executor checks every relation's privileges (a view's too) at start.
    const sql = `SELECT FROM ${escapeIdentifier(relation.schema)}.${escapeIdentifier(relation.name)} LIMIT 0`;
    result.set(objectName(relation), await asRole(client, role, sql));
  }
  return result;
}

/** "grantee PRIVILEGE" entries of a relation's ACL, without the given roles' (its owners'): privileges, not ACL text. */
async function grantsOf(
  client: Client,
  relation: { schema: string; name: string },
  without: readonly string[],
): Promise<string[]> {
  const { rows } = await client.query<{ entry: string; grantee: string }>(
    `SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(a.grantee) END AS grantee,
            a.privilege_type || CASE WHEN a.is_grantable THEN ' (grantable)' ELSE '' END AS entry
     FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace,
          LATERAL pg_catalog.aclexplode(c.relacl) a
     WHERE n.nspname = $1 AND c.relname = $2`,
    [relation.schema, relation.name],
  );
  return rows
    .filter((row) => !without.includes(row.grantee))
    .map((row) => `${row.grantee} ${row.entry}`)
    .sort();
}

async function ownerChecks(client: Client, decision: HandoverDecision, after: DatabaseCatalog): Promise<Check[]> {
  const { owner } = decision.declared;
  const checks: Check[] = [];
  const check = async (what: string, sql: string) => {
    const error = await asRole(client, owner, sql);
    checks.push({ what, ok: error === undefined, detail: error });
  };
  for (const schema of Object.keys(after.schemaOwners)) {
    const table = `${escapeIdentifier(schema)}.${escapeIdentifier("fleetdb_handover_probe")}`;
    await check(
      `as ${owner}: CREATE and DROP a table in ${objectName({ kind: "schema", schema, name: schema, owner, locks: 0 })}`,
      `CREATE TABLE ${table} (id integer); DROP TABLE ${table}`,
    );
  }
  const moved = decision.transactions.flatMap((transaction) => transaction.objects);
  for (const object of moved) {
    const name = `${escapeIdentifier(object.schema)}.${escapeIdentifier(object.name)}`;
    if (object.kind === "hypertable")
      await check(
        `as ${owner}: ALTER TABLE ${objectName(object)}`,
        `ALTER TABLE ${name} SET (autovacuum_enabled = true)`,
      );
    if (object.kind === "continuous aggregate" && object.materialization) {
      const { schema, name: table } = object.materialization;
      const materialization = displayName(schema, table);
      const { rows } = await client.query<{ owner: string | null }>(
        "SELECT pg_catalog.pg_get_userbyid(c.relowner) AS owner FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2",
        [schema, table],
      );
      const seen = rows[0]?.owner ?? "nobody (not found)";
      checks.push({
        what: `materialization hypertable ${materialization} of ${objectName(object)} owned by ${owner}`,
        ok: seen === owner,
        detail: seen === owner ? undefined : `owned by ${seen}`,
      });
      await check(
        `as ${owner}: SELECT from ${materialization}`,
        `SELECT FROM ${escapeIdentifier(schema)}.${escapeIdentifier(table)} LIMIT 0`,
      );
    }
  }
  return checks;
}
