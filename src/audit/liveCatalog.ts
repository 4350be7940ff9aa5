// The live side of the audit: what the catalog queries return, as plain data the checks compare.

export interface LiveRole {
  name: string;
  superuser: boolean;
  inherit: boolean;
  createRole: boolean;
  createDatabase: boolean;
  login: boolean;
  replication: boolean;
  bypassRowLevelSecurity: boolean;
  /** -1: no limit. */
  connectionLimit: number;
  /** Direct memberships. */
  memberOf: string[];
}

export interface LiveSession {
  pid: number;
  user: string | null;
  database: string | null;
  applicationName: string;
  clientAddress: string | null;
  /** NULL for other users' sessions when the auditor lacks pg_read_all_stats. */
  backendType: string | null;
  superuser: boolean;
}

/** One aclexplode row; grantee "public" is PUBLIC. */
export interface AclEntry {
  grantee: string;
  privilege: string;
  grantable: boolean;
}

export interface LiveObject {
  schema: string;
  name: string;
  /** table, partitioned table, view, materialized view, foreign table, sequence, function, procedure, aggregate, type. */
  kind: string;
  /** Which Grant objectType reaches it: table, sequence, function, procedure, type. */
  aclClass: string;
  /** Routines: the identity arguments (for ALTER FUNCTION f(args)). */
  arguments: string | null;
  owner: string;
  acl: AclEntry[];
}

export interface LiveDefaultAcl {
  owner: string;
  /** null: the global layer. */
  schema: string | null;
  /** r tables, S sequences, f functions, T types, n schemas. */
  objectType: string;
  acl: AclEntry[];
}

export interface TimescaleJob {
  jobId: number;
  owner: string;
  procSchema: string;
  procName: string;
  hypertableSchema: string | null;
  hypertableName: string | null;
}

/** What the audit read inside one database. */
export interface LiveDatabaseContents {
  name: string;
  schemas: { name: string; owner: string; acl: AclEntry[] }[];
  objects: LiveObject[];
  defaultAcls: LiveDefaultAcl[];
  /** undefined: TimescaleDB is not installed here (nothing to check). */
  jobs?: TimescaleJob[];
}

export interface LiveCatalog {
  /** Who the audit ran as. */
  user: string;
  superuser: boolean;
  /** May see every session's backend type and client address (superuser or pg_read_all_stats). */
  readAllStats: boolean;
  /** May read pg_authid (password verifiers' kinds). */
  readAuthid: boolean;
  server: { maxConnections: number; superuserReservedConnections: number; reservedConnections: number };
  roles: LiveRole[];
  /** pg_db_role_setting rows with a role; database null for the role-wide row. */
  settings: { role: string; database: string | null; setconfig: string[] }[];
  /** Every other backend (the audit's own excluded). */
  sessions: LiveSession[];
  /** undefined when pg_authid cannot be read. */
  passwords?: { role: string; kind: "none" | "scram" | "md5" | "plaintext" }[];
  databases: { name: string; owner: string; allowConnections: boolean; acl: AclEntry[] }[];
  visited: LiveDatabaseContents[];
  /** Databases the audit could not read inside, and why. */
  notVisited: { name: string; reason: string }[];
  /** Parts it could not read (TimescaleDB jobs without access, …). */
  unread: { check: string; reason: string }[];
}
