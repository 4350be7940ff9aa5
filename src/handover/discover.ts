// Reads one database's catalog, read only, into what the handover needs: objects, default privileges, jobs.
import {
  CHUNKS_QUERY,
  CONTINUOUS_AGGREGATES_QUERY,
  DEFAULT_PRIVILEGES_QUERY,
  HYPERTABLES_QUERY,
  JOBS_QUERY,
  RELATIONS_QUERY,
  ROUTINES_QUERY,
  SCHEMAS_QUERY,
  SERVER_QUERY,
  TYPES_QUERY,
} from "./catalogQueries";
import {
  DEFAULT_OBJECT_TYPES,
  displayName,
  TIMESCALEDB_SCHEMAS,
  type CatalogObject,
  type DatabaseCatalog,
  type DefaultPrivilege,
  type ObjectKind,
  type TimescaleJob,
} from "./model";

/** What discovery needs from a client (a pg Client fits). */
export interface Queryable {
  query<R extends Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

type Row = Record<string, unknown>;

const RELATION_KINDS: Record<string, ObjectKind> = {
  r: "table",
  p: "partitioned table",
  v: "view",
  m: "materialized view",
  S: "sequence",
  f: "foreign table",
};
const ROUTINE_KINDS: Record<string, ObjectKind> = { f: "function", w: "function", p: "procedure", a: "aggregate" };

const key = (schema: string, name: string) => JSON.stringify([schema, name]);

/** A catalog column that holds text (name, text, regrole rendered by the query): anything else is a bug here. */
function text(value: unknown): string {
  if (typeof value !== "string") throw new Error(`expected text from the catalog, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * Runs the catalog queries for `schemas` in `database` on `client`, which must already be inside a
 * read-only transaction (the caller owns BEGIN READ ONLY / ROLLBACK). `roles` are the names whose
 * existence the handover needs to know (the owner, the readers).
 */
export async function discover(
  client: Queryable,
  database: string,
  schemas: readonly string[],
  roles: readonly string[],
): Promise<DatabaseCatalog> {
  // TimescaleDB's own schemas are never in scope, even if declared.
  const scope = schemas.filter((schema) => !TIMESCALEDB_SCHEMAS.has(schema));
  const all = async (text: string, values: unknown[] = [scope]) => (await client.query<Row>(text, values)).rows;
  const [server] = await all(SERVER_QUERY, [roles]);
  const timescaledb = (server.timescaledb as string | null) ?? undefined;

  const schemaOwners: Record<string, string> = {};
  for (const row of await all(SCHEMAS_QUERY)) schemaOwners[text(row.schema)] = text(row.owner);

  const timescale = timescaledb ? await timescaleObjects(all) : undefined;
  const objects: CatalogObject[] = Object.entries(schemaOwners).map(([schema, owner]) => ({
    kind: "schema",
    schema,
    name: schema,
    owner,
    locks: 1,
  }));
  const relations: CatalogObject[] = [];
  const ownedSequences: { table: string; sequence: string }[] = [];
  for (const row of await all(RELATIONS_QUERY)) {
    const schema = text(row.schema);
    const name = text(row.name);
    const at = key(schema, name);
    if (timescale?.internal.has(at)) continue;
    const base = { schema, name, owner: text(row.owner), locks: Number(row.locks) };
    const hypertable = timescale?.hypertables.get(at);
    const cagg = timescale?.caggs.get(at);
    if (hypertable) {
      relations.push({ ...base, kind: "hypertable", ...hypertable });
    } else if (cagg) {
      relations.push({ ...base, kind: "continuous aggregate", ...cagg, locks: base.locks + cagg.locks });
    } else if (row.relkind === "S" && row.owned_by_table !== null) {
      ownedSequences.push({ table: key(text(row.owned_by_schema), text(row.owned_by_table)), sequence: name });
    } else {
      const kind = row.is_partition === true ? "partition" : RELATION_KINDS[text(row.relkind)];
      const object: CatalogObject = { ...base, kind };
      if (row.row_security === true) object.rowSecurity = row.force_row_security === true ? "forced" : "on";
      if (kind === "view") object.securityInvoker = row.security_invoker === true;
      relations.push(object);
    }
  }
  for (const { table, sequence } of ownedSequences) {
    const owner = relations.find((relation) => key(relation.schema, relation.name) === table);
    if (owner) (owner.ownedSequences ??= []).push(sequence);
  }
  objects.push(...relations);

  for (const row of await all(ROUTINES_QUERY)) {
    objects.push({
      kind: ROUTINE_KINDS[text(row.prokind)] ?? "function",
      schema: text(row.schema),
      name: text(row.name),
      arguments: text(row.arguments),
      owner: text(row.owner),
      locks: 1,
      securityDefiner: row.security_definer === true,
    });
  }
  for (const row of await all(TYPES_QUERY)) {
    objects.push({
      kind: row.typtype === "d" ? "domain" : "type",
      schema: text(row.schema),
      name: text(row.name),
      owner: text(row.owner),
      locks: 1,
    });
  }

  const defaultPrivileges: DefaultPrivilege[] = (await all(DEFAULT_PRIVILEGES_QUERY)).map((row) => ({
    role: text(row.role),
    schema: row.schema === null ? undefined : text(row.schema),
    objectType: DEFAULT_OBJECT_TYPES[text(row.objtype) as keyof typeof DEFAULT_OBJECT_TYPES],
    grantee: row.grantee === null ? undefined : text(row.grantee),
    // A row whose ACL is empty (everything revoked) explodes to no privilege: kept as an empty privilege.
    privilege: row.privilege_type === null ? "" : text(row.privilege_type),
    grantable: row.is_grantable === true,
  }));

  const jobs: TimescaleJob[] = timescaledb ? (await all(JOBS_QUERY, [])).map(jobFromRow) : [];
  return {
    database,
    currentDatabase: String(server.current_database),
    superusers: (server.superusers as string[]).map(String),
    existingRoles: (server.existing_roles as string[]).map(String),
    schemaOwners,
    objects,
    defaultPrivileges,
    jobs,
    timescaledb,
    maxLocksPerTransaction: Number(server.max_locks_per_transaction),
    maxConnections: Number(server.max_connections),
    maxPreparedTransactions: Number(server.max_prepared_transactions),
  };
}

export function jobFromRow(row: Row): TimescaleJob {
  return {
    id: Number(row.id),
    procSchema: text(row.proc_schema),
    procName: text(row.proc_name),
    owner: text(row.owner),
    hypertable:
      row.hypertable_name === null ? undefined : displayName(text(row.hypertable_schema), text(row.hypertable_name)),
  };
}

interface TimescaleObjects {
  /** Chunks, compressed hypertables, materialization hypertables, partial and direct views. */
  internal: Set<string>;
  hypertables: Map<string, Pick<CatalogObject, "chunks" | "compressedChunks" | "locks">>;
  caggs: Map<string, Pick<CatalogObject, "chunks" | "compressedChunks" | "locks" | "materialization">>;
}

async function timescaleObjects(all: (text: string, values?: unknown[]) => Promise<Row[]>): Promise<TimescaleObjects> {
  const hypertables = await all(HYPERTABLES_QUERY, []);
  const caggs = await all(CONTINUOUS_AGGREGATES_QUERY, []);
  const internal = new Set((await all(CHUNKS_QUERY, [])).map((row) => key(text(row.schema), text(row.name))));
  const byId = new Map(hypertables.map((row) => [Number(row.id), row]));
  const compressedIds = new Set(
    hypertables
      .map((row) => row.compressed_id)
      .filter((id) => id !== null)
      .map(Number),
  );
  const materializationIds = new Set(caggs.map((row) => Number(row.mat_hypertable_id)));
  for (const id of [...compressedIds, ...materializationIds]) {
    const row = byId.get(id);
    if (row) internal.add(key(text(row.schema), text(row.name)));
  }
  for (const row of caggs) {
    internal.add(key(text(row.partial_schema), text(row.partial_name)));
    internal.add(key(text(row.direct_schema), text(row.direct_name)));
  }
  const stats = (row: Row) => ({
    chunks: Number(row.chunks),
    compressedChunks: Number(row.compressed_chunks),
    locks: Number(row.locks),
  });
  const result: TimescaleObjects = { internal, hypertables: new Map(), caggs: new Map() };
  for (const row of hypertables) {
    const id = Number(row.id);
    if (!compressedIds.has(id) && !materializationIds.has(id))
      result.hypertables.set(key(text(row.schema), text(row.name)), stats(row));
  }
  for (const row of caggs) {
    const materialization = byId.get(Number(row.mat_hypertable_id));
    if (!materialization) continue;
    result.caggs.set(key(text(row.view_schema), text(row.view_name)), {
      ...stats(materialization),
      // Besides the user-facing view (counted with it): the partial and the direct view.
      locks: stats(materialization).locks + 2,
      materialization: { schema: text(materialization.schema), name: text(materialization.name) },
    });
  }
  return result;
}
