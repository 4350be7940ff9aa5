// The audit's catalog queries: read-only, every name schema-qualified (app roles own schemas where it runs).

/** Opens every audit connection's work: read only, short timeouts, and a search_path no app role can shadow. */
export const OPEN_TRANSACTION = [
  "BEGIN TRANSACTION READ ONLY",
  "SET LOCAL statement_timeout = '15s'",
  "SET LOCAL lock_timeout = '2s'",
  "SET LOCAL idle_in_transaction_session_timeout = '60s'",
  "SET LOCAL search_path = pg_catalog, pg_temp",
] as const;

/** An aclitem[] (or its built-in default when NULL) as JSON rows; grantee 0 is PUBLIC, named "public" like the plan. */
const aclJson = (acl: string, type: string, owner: string): string => `COALESCE((
    SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
      'grantee', CASE WHEN x.grantee = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(x.grantee)::pg_catalog.text END,
      'privilege', x.privilege_type, 'grantable', x.is_grantable))
    FROM pg_catalog.aclexplode(COALESCE(${acl}, pg_catalog.acldefault(${type}, ${owner}))) x), '[]'::pg_catalog.json)`;

/** Who the audit runs as, and what it may read. */
export const WHO_AM_I = `
  SELECT r.rolname AS "user", r.rolsuper AS superuser,
         pg_catalog.pg_has_role(r.oid, 'pg_read_all_stats', 'USAGE') AS read_all_stats,
         pg_catalog.has_table_privilege('pg_catalog.pg_authid', 'SELECT') AS read_authid,
         pg_catalog.pg_backend_pid() AS pid
  FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER`;

export const SERVER_SETTINGS = `
  SELECT name, setting FROM pg_catalog.pg_settings
  WHERE name IN ('max_connections', 'superuser_reserved_connections', 'reserved_connections')`;

export const ROLES = `
  SELECT r.rolname AS name, r.rolsuper AS superuser, r.rolinherit AS inherit, r.rolcreaterole AS create_role,
         r.rolcreatedb AS create_database, r.rolcanlogin AS login, r.rolreplication AS replication,
         r.rolbypassrls AS bypass_rls, r.rolconnlimit AS connection_limit,
         ARRAY(SELECT g.rolname::pg_catalog.text FROM pg_catalog.pg_auth_members m
               JOIN pg_catalog.pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid ORDER BY 1) AS member_of
  FROM pg_catalog.pg_roles r ORDER BY r.rolname`;

/** Role-level (database NULL) and IN DATABASE rows; database-wide rows (no role) are not the stack's. */
export const ROLE_SETTINGS = `
  SELECT r.rolname AS role, d.datname AS database, s.setconfig
  FROM pg_catalog.pg_db_role_setting s
  JOIN pg_catalog.pg_roles r ON r.oid = s.setrole
  LEFT JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase
  ORDER BY 1, 2 NULLS FIRST`;

/** Every other session; backend_type and client_addr are NULL for other users' sessions without pg_read_all_stats. */
export const SESSIONS = `
  SELECT a.pid, a.usename AS "user", a.datname AS database, a.application_name,
         pg_catalog.host(a.client_addr) AS client_address, a.backend_type, COALESCE(r.rolsuper, false) AS superuser
  FROM pg_catalog.pg_stat_activity a LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.usesysid
  WHERE a.pid <> pg_catalog.pg_backend_pid()
  ORDER BY a.usename, a.application_name, a.pid`;

/** How each login's password is stored (readable only with SELECT on pg_authid); the verifier never leaves the server. */
export const PASSWORD_KINDS = `
  SELECT rolname AS role,
         CASE WHEN rolpassword IS NULL THEN 'none'
              WHEN rolpassword LIKE 'SCRAM-SHA-256$%' THEN 'scram'
              WHEN rolpassword ~ '^md5[0-9a-f]{32}$' THEN 'md5'
              ELSE 'plaintext' END AS kind
  FROM pg_catalog.pg_authid WHERE rolcanlogin ORDER BY 1`;

export const DATABASES = `
  SELECT d.datname AS name, pg_catalog.pg_get_userbyid(d.datdba)::pg_catalog.text AS owner, d.datallowconn AS allow_connections,
         ${aclJson("d.datacl", "'d'", "d.datdba")} AS acl
  FROM pg_catalog.pg_database d ORDER BY 1`;

/** $1: the declared schemas of the current database. */
export const SCHEMAS = `
  SELECT n.nspname AS name, pg_catalog.pg_get_userbyid(n.nspowner)::pg_catalog.text AS owner,
         ${aclJson("n.nspacl", "'n'", "n.nspowner")} AS acl
  FROM pg_catalog.pg_namespace n WHERE n.nspname = ANY ($1::pg_catalog.text[]) ORDER BY 1`;

const NOT_EXTENSION_MEMBER = (catalog: string, alias: string) => `NOT EXISTS (
    SELECT FROM pg_catalog.pg_depend e WHERE e.classid = '${catalog}'::pg_catalog.regclass
      AND e.objid = ${alias}.oid AND e.deptype = 'e')`;

/**
 * Relations, routines and standalone types in the declared schemas ($1), with owner and ACL. Skipped:
 * extension members, and sequences owned by a column (they follow their table's owner). TimescaleDB's
 * chunks and continuous-aggregate internals live in its own schemas, so each is judged by its hypertable
 * or aggregate here.
 */
export const OBJECTS = `
  SELECT n.nspname AS schema, c.relname AS name,
         CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' WHEN 'v' THEN 'view'
              WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' WHEN 'S' THEN 'sequence' END AS kind,
         CASE c.relkind WHEN 'S' THEN 'sequence' ELSE 'table' END AS acl_class, NULL AS arguments,
         pg_catalog.pg_get_userbyid(c.relowner)::pg_catalog.text AS owner,
         ${aclJson("c.relacl", `CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END::"char"`, "c.relowner")} AS acl
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = ANY ($1::pg_catalog.text[]) AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
    AND ${NOT_EXTENSION_MEMBER("pg_catalog.pg_class", "c")}
    AND NOT (c.relkind = 'S' AND EXISTS (
      SELECT FROM pg_catalog.pg_depend o WHERE o.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND o.objid = c.oid
        AND o.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND o.deptype IN ('a', 'i')))
  UNION ALL
  SELECT n.nspname, p.proname,
         CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
         CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END,
         pg_catalog.pg_get_function_identity_arguments(p.oid),
         pg_catalog.pg_get_userbyid(p.proowner)::pg_catalog.text,
         ${aclJson("p.proacl", "'f'", "p.proowner")}
  FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname = ANY ($1::pg_catalog.text[]) AND ${NOT_EXTENSION_MEMBER("pg_catalog.pg_proc", "p")}
  UNION ALL
  SELECT n.nspname, t.typname, 'type', 'type', NULL,
         pg_catalog.pg_get_userbyid(t.typowner)::pg_catalog.text,
         ${aclJson("t.typacl", "'T'", "t.typowner")}
  FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
  WHERE n.nspname = ANY ($1::pg_catalog.text[]) AND t.typtype IN ('c', 'e', 'd', 'r')
    AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid) = 'c')
    AND ${NOT_EXTENSION_MEMBER("pg_catalog.pg_type", "t")}
  ORDER BY 1, 2, 3`;

/** ALTER DEFAULT PRIVILEGES rows of the current database (schema NULL: the global layer). */
export const DEFAULT_ACLS = `
  SELECT pg_catalog.pg_get_userbyid(da.defaclrole)::pg_catalog.text AS owner, n.nspname AS schema,
         da.defaclobjtype AS object_type, ${aclJson("da.defaclacl", "'r'", "da.defaclrole")} AS acl
  FROM pg_catalog.pg_default_acl da LEFT JOIN pg_catalog.pg_namespace n ON n.oid = da.defaclnamespace
  ORDER BY 1, 2 NULLS FIRST, 3`;

export const HAS_TIMESCALEDB = `SELECT EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'timescaledb') AS present`;

/**
 * TimescaleDB user jobs (ids from 1000: policies on hypertables and continuous aggregates, and add_job);
 * its own jobs (telemetry, below 1000) stay with the role that created the extension.
 */
export const TIMESCALE_JOBS = `
  SELECT j.job_id, j.owner::pg_catalog.text AS owner, j.proc_schema::pg_catalog.text AS proc_schema,
         j.proc_name::pg_catalog.text AS proc_name, j.hypertable_schema::pg_catalog.text AS hypertable_schema,
         j.hypertable_name::pg_catalog.text AS hypertable_name
  FROM timescaledb_information.jobs j WHERE j.job_id >= 1000 ORDER BY 1`;
