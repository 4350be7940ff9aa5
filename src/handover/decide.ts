// Decides, from one database's catalog, what moves to the declared owner, what stays, and in which transactions.
import type { HandoverConfig } from "../config/sections/handover";
import {
  displayName,
  PUBLIC_BUILT_IN,
  TIMESCALEDB_SCHEMAS,
  type CatalogObject,
  type DatabaseCatalog,
  type DefaultObjectType,
  type DefaultPrivilege,
  type ObjectKind,
  type TimescaleJob,
} from "./model";

export interface DeclaredDatabase {
  database: string;
  owner: string;
  schemas: string[];
}

/** One transaction of the handover: its objects and the relation locks they take together. */
export interface HandoverTransaction {
  label: string;
  objects: CatalogObject[];
  locks: number;
}

/** A default privilege the owner lacks: GRANT (or, for PUBLIC's built-in, REVOKE) FOR ROLE <owner>. */
export interface DefaultPrivilegeChange {
  action: "GRANT" | "REVOKE";
  schema?: string;
  objectType: DefaultObjectType;
  grantee?: string;
  privileges: string[];
  grantable: boolean;
}

export interface JobReport {
  job: TimescaleJob;
  /** timescaledb: the extension's own; follows-object: on a hypertable that moves; custom: add_job; other: not ours. */
  kind: "timescaledb" | "follows-object" | "custom" | "owned" | "other";
  /** The moving hypertable or continuous aggregate it belongs to. */
  object?: string;
}

export interface HandoverDecision {
  declared: DeclaredDatabase;
  /** Roles whose objects move: superusers and config's fromRoles, never the owner. */
  fromRoles: string[];
  transactions: HandoverTransaction[];
  /** Owned by a role that is neither the owner nor a role that moves: listed, left alone. */
  leftAlone: CatalogObject[];
  /** Kept by config (handover.keep). */
  kept: { object: CatalogObject; reason?: string }[];
  /** Rows FOR ROLE <a moving role>, listed in the header. */
  oldDefaultPrivileges: DefaultPrivilege[];
  defaultPrivilegeChanges: DefaultPrivilegeChange[];
  jobs: JobReport[];
  missingSchemas: string[];
  /** Declared schemas that are TimescaleDB's own: left out. */
  timescaleSchemas: string[];
  /** Objects already owned by the declared owner. */
  alreadyOwned: number;
}

/** The order a handover moves kinds in: what a view reads moves before the view, so no view breaks in between. */
const ORDER: ObjectKind[] = [
  "schema",
  "type",
  "domain",
  "sequence",
  "function",
  "procedure",
  "aggregate",
  "table",
  "partitioned table",
  "partition",
  "foreign table",
  "hypertable",
  "continuous aggregate",
  "materialized view",
  "view",
];
const ALONE: ReadonlySet<ObjectKind> = new Set(["hypertable", "continuous aggregate"]);

export function decide(catalog: DatabaseCatalog, declared: DeclaredDatabase, config: HandoverConfig): HandoverDecision {
  const fromRoles = [...new Set([...catalog.superusers, ...config.fromRoles])].filter(
    (role) => role !== declared.owner,
  );
  const moving = new Set(fromRoles);
  const keep = config.keep.filter((entry) => entry.database === declared.database);
  const decision: HandoverDecision = {
    declared,
    fromRoles,
    transactions: [],
    leftAlone: [],
    kept: [],
    oldDefaultPrivileges: catalog.defaultPrivileges.filter((row) => moving.has(row.role)),
    defaultPrivilegeChanges: [],
    jobs: [],
    missingSchemas: declared.schemas.filter(
      (schema) => catalog.schemaOwners[schema] === undefined && !TIMESCALEDB_SCHEMAS.has(schema),
    ),
    timescaleSchemas: declared.schemas.filter((schema) => TIMESCALEDB_SCHEMAS.has(schema)),
    alreadyOwned: 0,
  };
  const moves: CatalogObject[] = [];
  for (const object of catalog.objects) {
    if (object.owner === declared.owner) decision.alreadyOwned += 1;
    else if (!moving.has(object.owner)) decision.leftAlone.push(object);
    else {
      const exception = keep.find((entry) => entry.schema === object.schema && entry.name === object.name);
      if (exception) decision.kept.push({ object, reason: exception.reason });
      else moves.push(object);
    }
  }
  moves.sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
  decision.transactions = batches(moves, Math.max(1, catalog.maxLocksPerTransaction));
  decision.defaultPrivilegeChanges = defaultPrivilegeChanges(catalog.defaultPrivileges, moving, declared.owner);
  decision.jobs = jobReports(catalog, moves, moving, declared.owner);
  return decision;
}

/**
 * Hypertables and continuous aggregates alone, each in its own transaction (TimescaleDB moves every chunk in
 * the one ALTER); everything else in order, in batches of at most `budget` relation locks.
 */
function batches(moves: CatalogObject[], budget: number): HandoverTransaction[] {
  const result: HandoverTransaction[] = [];
  let current: CatalogObject[] = [];
  let locks = 0;
  const flush = () => {
    if (current.length > 0) result.push({ label: "", objects: current, locks });
    current = [];
    locks = 0;
  };
  for (const object of moves) {
    if (ALONE.has(object.kind)) {
      flush();
      result.push({ label: "", objects: [object], locks: object.locks });
      continue;
    }
    if (current.length > 0 && locks + object.locks > budget) flush();
    current.push(object);
    locks += object.locks;
  }
  flush();
  return result.map((transaction, index) => ({
    ...transaction,
    label: `transaction ${index + 1} of ${result.length}`,
  }));
}

const scopeKey = (schema: string | undefined, type: string, grantee: string | undefined) =>
  JSON.stringify([schema ?? null, type, grantee ?? null]);

/** The rows FOR ROLE <moving role>, rendered for the owner where the owner's own rows lack them. */
export function defaultPrivilegeChanges(
  rows: readonly DefaultPrivilege[],
  moving: ReadonlySet<string>,
  owner: string,
): DefaultPrivilegeChange[] {
  const ownerHas = new Set(
    rows
      .filter((row) => row.role === owner && row.privilege !== "")
      .map((row) => `${scopeKey(row.schema, row.objectType, row.grantee)}:${row.privilege}:${row.grantable}`),
  );
  const has = (row: DefaultPrivilege, schema: string | undefined) =>
    ownerHas.has(`${scopeKey(schema, row.objectType, row.grantee)}:${row.privilege}:${row.grantable}`);
  const grants = new Map<string, DefaultPrivilegeChange>();
  for (const row of rows) {
    if (!moving.has(row.role) || row.privilege === "") continue;
    // The old owner's grant to itself and any grant to the new owner mean nothing once the new owner creates.
    if (row.grantee === row.role || row.grantee === owner) continue;
    if (has(row, row.schema) || (row.schema !== undefined && has(row, undefined))) continue;
    const at = `${scopeKey(row.schema, row.objectType, row.grantee)}:${row.grantable}`;
    const change = grants.get(at) ?? {
      action: "GRANT" as const,
      schema: row.schema,
      objectType: row.objectType,
      grantee: row.grantee,
      privileges: [],
      grantable: row.grantable,
    };
    change.privileges.push(row.privilege);
    grants.set(at, change);
  }
  // A global row without PUBLIC's built-in EXECUTE / USAGE revoked it: the owner's defaults must revoke it too.
  const revokes: DefaultPrivilegeChange[] = [];
  for (const [type, privilege] of Object.entries(PUBLIC_BUILT_IN) as [DefaultObjectType, string][]) {
    const oldGlobal = rows.filter((row) => moving.has(row.role) && row.schema === undefined && row.objectType === type);
    const revokedByOld = [...new Set(oldGlobal.map((row) => row.role))].some(
      (role) => !oldGlobal.some((row) => row.role === role && row.grantee === undefined && row.privilege === privilege),
    );
    const ownerGlobal = rows.filter((row) => row.role === owner && row.schema === undefined && row.objectType === type);
    const ownerRevoked =
      ownerGlobal.length > 0 && !ownerGlobal.some((row) => row.grantee === undefined && row.privilege === privilege);
    if (revokedByOld && !ownerRevoked)
      revokes.push({ action: "REVOKE", objectType: type, privileges: [privilege], grantable: false });
  }
  return [...grants.values(), ...revokes];
}

function jobReports(
  catalog: DatabaseCatalog,
  moves: readonly CatalogObject[],
  moving: ReadonlySet<string>,
  owner: string,
): JobReport[] {
  // Every hypertable and continuous aggregate, moving or not: a job names the hypertable (a cagg's: its materialization).
  const byHypertable = new Map<string, string>();
  for (const object of catalog.objects) {
    const name = displayName(object.schema, object.name);
    if (object.kind === "hypertable") byHypertable.set(name, name);
    if (object.kind === "continuous aggregate" && object.materialization)
      byHypertable.set(displayName(object.materialization.schema, object.materialization.name), name);
  }
  const movingNames = new Set(moves.map((object) => displayName(object.schema, object.name)));
  return catalog.jobs.map((job): JobReport => {
    // TimescaleDB's own jobs (telemetry, job history retention) have ids below 1000; the app's start at 1000.
    if (job.id < 1000) return { job, kind: "timescaledb" };
    if (job.owner === owner) return { job, kind: "owned" };
    const object = job.hypertable ? (byHypertable.get(job.hypertable) ?? job.hypertable) : undefined;
    // On a hypertable that moves now, or still owned by a role that moves (its hypertable already handed over).
    if (object !== undefined && (movingNames.has(object) || moving.has(job.owner)))
      return { job, kind: "follows-object", object };
    if (object === undefined && moving.has(job.owner)) return { job, kind: "custom" };
    return { job, kind: "other" };
  });
}
