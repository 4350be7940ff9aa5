// The catalog queries discovery runs: schema-qualified (pg_catalog, TimescaleDB's catalog read only), $1 = the declared schemas.

/** An object that belongs to an extension (pg_depend deptype 'e'): never moved on its own. */
const notExtensionMember = (catalog: string, alias: string) =>
  `NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.classid = '${catalog}'::pg_catalog.regclass AND d.objid = ${alias}.oid AND d.deptype = 'e')`;

/** Relation locks ALTER … OWNER TO takes for one relation: itself, each index, its TOAST table and index. */
const relationLocks = (alias: string) =>
  `1 + (SELECT pg_catalog.count(*) FROM pg_catalog.pg_index i WHERE i.indrelid = ${alias}.oid)::int + CASE WHEN ${alias}.reltoastrelid <> 0 THEN 2 ELSE 0 END`;

export const SERVER_QUERY = `
SELECT pg_catalog.current_database() AS current_database,
       pg_catalog.current_setting('max_locks_per_transaction')::int AS max_locks_per_transaction,
       pg_catalog.current_setting('max_connections')::int AS max_connections,
       pg_catalog.current_setting('max_prepared_transactions')::int AS max_prepared_transactions,
       (SELECT e.extversion FROM pg_catalog.pg_extension e WHERE e.extname = 'timescaledb') AS timescaledb,
       ARRAY(SELECT r.rolname::text FROM pg_catalog.pg_roles r WHERE r.rolsuper ORDER BY 1) AS superusers,
       ARRAY(SELECT r.rolname::text FROM pg_catalog.pg_roles r WHERE r.rolname = ANY ($1::text[]) ORDER BY 1) AS existing_roles`;

export const SCHEMAS_QUERY = `
SELECT n.nspname AS schema, pg_catalog.pg_get_userbyid(n.nspowner) AS owner
FROM pg_catalog.pg_namespace n
WHERE n.nspname = ANY ($1::text[]) AND ${notExtensionMember("pg_catalog.pg_namespace", "n")}
ORDER BY 1`;

/**
 * Tables, partitions (also those of a declared partitioned table that live elsewhere), views, materialized
 * views, sequences (with the table that owns them, if any) and foreign tables.
 */
export const RELATIONS_QUERY = `
WITH scope AS (
  SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = ANY ($1::text[])
  UNION
  SELECT t.relid FROM pg_catalog.pg_class p JOIN pg_catalog.pg_namespace n ON n.oid = p.relnamespace,
       LATERAL pg_catalog.pg_partition_tree(p.oid) t
  WHERE n.nspname = ANY ($1::text[]) AND p.relkind = 'p'
)
SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS relkind, c.relispartition AS is_partition,
       pg_catalog.pg_get_userbyid(c.relowner) AS owner,
       c.relrowsecurity AS row_security, c.relforcerowsecurity AS force_row_security,
       COALESCE((SELECT pg_catalog.lower(o.option_value) IN ('true', 'on', 'yes', '1')
                 FROM pg_catalog.pg_options_to_table(c.reloptions) o WHERE o.option_name = 'security_invoker'), false) AS security_invoker,
       ${relationLocks("c")} AS locks,
       (SELECT tn.nspname FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
          JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
        WHERE c.relkind = 'S' AND d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
          AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype IN ('a', 'i') LIMIT 1) AS owned_by_schema,
       (SELECT t.relname FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
        WHERE c.relkind = 'S' AND d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
          AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype IN ('a', 'i') LIMIT 1) AS owned_by_table
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.oid IN (SELECT oid FROM scope) AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND ${notExtensionMember("pg_catalog.pg_class", "c")}
ORDER BY 1, 2`;

export const ROUTINES_QUERY = `
SELECT n.nspname AS schema, p.proname AS name, pg_catalog.pg_get_function_identity_arguments(p.oid) AS arguments,
       p.prokind::text AS prokind, pg_catalog.pg_get_userbyid(p.proowner) AS owner, p.prosecdef AS security_definer
FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = ANY ($1::text[]) AND ${notExtensionMember("pg_catalog.pg_proc", "p")}
ORDER BY 1, 2, 3`;

/** Standalone types: enums, ranges, domains and composite types that are not a table's row type (arrays follow). */
export const TYPES_QUERY = `
SELECT n.nspname AS schema, t.typname AS name, t.typtype::text AS typtype, pg_catalog.pg_get_userbyid(t.typowner) AS owner
FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = ANY ($1::text[])
  AND (t.typtype IN ('e', 'r', 'd')
       OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid) = 'c'))
  AND ${notExtensionMember("pg_catalog.pg_type", "t")}
ORDER BY 1, 2`;

export const DEFAULT_PRIVILEGES_QUERY = `
SELECT pg_catalog.pg_get_userbyid(d.defaclrole) AS role, n.nspname AS schema, d.defaclobjtype::text AS objtype,
       CASE WHEN a.grantee = 0 THEN NULL ELSE pg_catalog.pg_get_userbyid(a.grantee) END AS grantee,
       a.privilege_type, a.is_grantable
FROM pg_catalog.pg_default_acl d
LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace
LEFT JOIN LATERAL pg_catalog.aclexplode(d.defaclacl) a ON true
WHERE d.defaclnamespace = 0 OR n.nspname = ANY ($1::text[])
ORDER BY 1, 2 NULLS FIRST, 3, 4 NULLS FIRST, 5`;

/**
 * TimescaleDB's hypertables with their chunks, compressed chunks and the locks an ALTER … OWNER TO takes across
 * all of them (read from _timescaledb_catalog; never written).
 */
export const HYPERTABLES_QUERY = `
WITH chunk AS (
  SELECT ch.hypertable_id, ch.schema_name, ch.table_name FROM _timescaledb_catalog.chunk ch WHERE NOT ch.dropped
), weight AS (
  SELECT n.nspname AS schema_name, c.relname AS table_name, ${relationLocks("c")} AS locks
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
)
SELECT h.id, h.schema_name::text AS schema, h.table_name::text AS name, h.compressed_hypertable_id AS compressed_id,
       (SELECT pg_catalog.count(*) FROM chunk WHERE chunk.hypertable_id = h.id)::int AS chunks,
       (SELECT pg_catalog.count(*) FROM chunk WHERE chunk.hypertable_id = h.compressed_hypertable_id)::int AS compressed_chunks,
       (SELECT COALESCE(pg_catalog.sum(w.locks), 0) FROM weight w JOIN (
          SELECT x.schema_name, x.table_name FROM _timescaledb_catalog.hypertable x WHERE x.id IN (h.id, h.compressed_hypertable_id)
          UNION ALL
          SELECT chunk.schema_name, chunk.table_name FROM chunk WHERE chunk.hypertable_id IN (h.id, h.compressed_hypertable_id)
        ) r ON r.schema_name = w.schema_name AND r.table_name = w.table_name)::int AS locks
FROM _timescaledb_catalog.hypertable h
ORDER BY h.id`;

/** Every chunk's name: a chunk in a declared schema (associated_schema_name) is never moved directly. */
export const CHUNKS_QUERY = `
SELECT ch.schema_name::text AS schema, ch.table_name::text AS name FROM _timescaledb_catalog.chunk ch`;

export const CONTINUOUS_AGGREGATES_QUERY = `
SELECT ca.mat_hypertable_id, ca.user_view_schema::text AS view_schema, ca.user_view_name::text AS view_name,
       ca.partial_view_schema::text AS partial_schema, ca.partial_view_name::text AS partial_name,
       ca.direct_view_schema::text AS direct_schema, ca.direct_view_name::text AS direct_name
FROM _timescaledb_catalog.continuous_agg ca
ORDER BY 1`;

export const JOBS_QUERY = `
SELECT j.job_id AS id, j.proc_schema::text AS proc_schema, j.proc_name::text AS proc_name,
       pg_catalog.pg_get_userbyid(j.owner::pg_catalog.regrole::pg_catalog.oid) AS owner,
       j.hypertable_schema::text AS hypertable_schema, j.hypertable_name::text AS hypertable_name
FROM timescaledb_information.jobs j
ORDER BY 1`;
