// What the handover reads from a live catalog and what it decides: the shapes every handover module shares.
import { neutralised } from "../controlCharacters";

/** Each kind of object the handover can move, with the ALTER … OWNER TO that moves it. */
export const OBJECT_KINDS = {
  schema: "SCHEMA",
  type: "TYPE",
  domain: "DOMAIN",
  sequence: "SEQUENCE",
  function: "FUNCTION",
  procedure: "PROCEDURE",
  aggregate: "AGGREGATE",
  table: "TABLE",
  "partitioned table": "TABLE",
  partition: "TABLE",
  "foreign table": "FOREIGN TABLE",
  hypertable: "TABLE",
  "continuous aggregate": "MATERIALIZED VIEW",
  "materialized view": "MATERIALIZED VIEW",
  view: "VIEW",
} as const;

export type ObjectKind = keyof typeof OBJECT_KINDS;

/** TimescaleDB's own schemas: nothing in them is ever moved directly (chunks follow their hypertable). */
export const TIMESCALEDB_SCHEMAS: ReadonlySet<string> = new Set([
  "_timescaledb_internal",
  "_timescaledb_catalog",
  "_timescaledb_config",
  "_timescaledb_cache",
  "_timescaledb_functions",
  "_timescaledb_debug",
  "timescaledb_information",
  "timescaledb_experimental",
]);

/** Kinds a role reads with SELECT (what validation checks as each reader). */
export const READABLE_KINDS: ReadonlySet<ObjectKind> = new Set([
  "table",
  "partitioned table",
  "partition",
  "foreign table",
  "hypertable",
  "continuous aggregate",
  "materialized view",
  "view",
]);

/** One object in a declared schema, as the catalog shows it (extension members and TimescaleDB internals excluded). */
export interface CatalogObject {
  kind: ObjectKind;
  /** The schema it lives in (for kind "schema": the schema itself). */
  schema: string;
  name: string;
  /** Functions, procedures, aggregates: pg_get_function_identity_arguments, as the server renders it. */
  arguments?: string;
  owner: string;
  /** Relation locks its ALTER … OWNER TO takes: itself, its indexes and TOAST, and for TimescaleDB its chunks'. */
  locks: number;
  /** Functions: SECURITY DEFINER. */
  securityDefiner?: boolean;
  /** Tables: row-level security, and whether the owner is subject to it too. */
  rowSecurity?: "on" | "forced";
  /** Views: security_invoker (PostgreSQL 15+): the view checks the reader's privileges, not its owner's. */
  securityInvoker?: boolean;
  /** Sequences owned by this table's columns: they follow it. */
  ownedSequences?: string[];
  /** Hypertables: chunks and compressed chunks that follow; continuous aggregates: their materialization's. */
  chunks?: number;
  compressedChunks?: number;
  /** Continuous aggregates: the materialization hypertable. */
  materialization?: { schema: string; name: string };
}

/** One privilege of one pg_default_acl row, exploded. */
export interface DefaultPrivilege {
  /** FOR ROLE … */
  role: string;
  /** IN SCHEMA …; undefined: the row applies in every schema. */
  schema?: string;
  objectType: DefaultObjectType;
  /** undefined: PUBLIC. */
  grantee?: string;
  privilege: string;
  grantable: boolean;
}

export const DEFAULT_OBJECT_TYPES = {
  r: "TABLES",
  S: "SEQUENCES",
  f: "FUNCTIONS",
  T: "TYPES",
  n: "SCHEMAS",
} as const;

export type DefaultObjectType = (typeof DEFAULT_OBJECT_TYPES)[keyof typeof DEFAULT_OBJECT_TYPES];

/** A global pg_default_acl row replaces the built-in defaults: this is what PUBLIC gets when there is none. */
export const PUBLIC_BUILT_IN: Partial<Record<DefaultObjectType, string>> = { FUNCTIONS: "EXECUTE", TYPES: "USAGE" };

/** A TimescaleDB background job (timescaledb_information.jobs). */
export interface TimescaleJob {
  id: number;
  procSchema: string;
  procName: string;
  owner: string;
  /** The hypertable it works on (for a continuous aggregate's policy: its materialization hypertable). */
  hypertable?: string;
}

/** Everything discovery read from one database, inside one read-only transaction. */
export interface DatabaseCatalog {
  database: string;
  /** What the server calls the database it connected to (PGlite answers template1 whatever was asked). */
  currentDatabase: string;
  superusers: string[];
  /** Roles that exist, among those the handover asked about. */
  existingRoles: string[];
  /** Declared schemas that exist, with their owners. */
  schemaOwners: Record<string, string>;
  objects: CatalogObject[];
  defaultPrivileges: DefaultPrivilege[];
  jobs: TimescaleJob[];
  /** Installed TimescaleDB version, if any (reported, never used to decide). */
  timescaledb?: string;
  maxLocksPerTransaction: number;
  maxConnections: number;
  maxPreparedTransactions: number;
}

/** "schema.name" with each part quoted only when SQL needs it, control characters shown as escapes: for headers and messages. */
export function displayName(schema: string, name?: string, args?: string): string {
  const part = (text: string) =>
    /^[a-z_][a-z0-9_$]*$/.test(text) ? text : `"${neutralised(text).replace(/"/g, '""')}"`;
  const qualified = name === undefined ? part(schema) : `${part(schema)}.${part(name)}`;
  return args === undefined ? qualified : `${qualified}(${args})`;
}

export function objectName(object: CatalogObject): string {
  return object.kind === "schema"
    ? displayName(object.schema)
    : displayName(object.schema, object.name, object.arguments);
}
