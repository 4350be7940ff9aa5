// What "the plan changed nothing" compares: roles, settings, memberships, owners, every ACL and default ACL, by name.
import type { TestServer } from "./embeddedServer";

const CLUSTER = {
  roles: `SELECT rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication, rolbypassrls, rolconnlimit, rolvaliduntil, rolpassword
          FROM pg_catalog.pg_authid ORDER BY rolname`,
  settings: `SELECT coalesce(d.datname, '*') AS database, coalesce(r.rolname, '*') AS role, s.setconfig
             FROM pg_catalog.pg_db_role_setting s LEFT JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase
             LEFT JOIN pg_catalog.pg_roles r ON r.oid = s.setrole ORDER BY 1, 2`,
  memberships: `SELECT g.rolname AS granted, m.rolname AS member, o.rolname AS grantor, a.admin_option, a.inherit_option, a.set_option
                FROM pg_catalog.pg_auth_members a JOIN pg_catalog.pg_roles g ON g.oid = a.roleid
                JOIN pg_catalog.pg_roles m ON m.oid = a.member JOIN pg_catalog.pg_roles o ON o.oid = a.grantor ORDER BY 1, 2, 3`,
  databases: `SELECT datname, pg_catalog.pg_get_userbyid(datdba) AS owner, ARRAY(SELECT x::text FROM unnest(coalesce(datacl, '{}')) x ORDER BY 1) AS acl
              FROM pg_catalog.pg_database ORDER BY datname`,
};

const PER_DATABASE = {
  schemas: `SELECT nspname, pg_catalog.pg_get_userbyid(nspowner) AS owner, ARRAY(SELECT x::text FROM unnest(coalesce(nspacl, '{}')) x ORDER BY 1) AS acl
            FROM pg_catalog.pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema' ORDER BY 1`,
  relations: `SELECT n.nspname, c.relname, c.relkind, pg_catalog.pg_get_userbyid(c.relowner) AS owner, ARRAY(SELECT x::text FROM unnest(coalesce(c.relacl, '{}')) x ORDER BY 1) AS acl
              FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' ORDER BY 1, 2`,
  defaultAcls: `SELECT pg_catalog.pg_get_userbyid(d.defaclrole) AS owner, coalesce(n.nspname, '*') AS schema, d.defaclobjtype,
                ARRAY(SELECT x::text FROM unnest(d.defaclacl) x ORDER BY 1) AS acl
                FROM pg_catalog.pg_default_acl d LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace ORDER BY 1, 2, 3`,
  functions: `SELECT n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid) AS args, pg_catalog.pg_get_userbyid(p.proowner) AS owner,
               ARRAY(SELECT x::text FROM unnest(coalesce(p.proacl, '{}')) x ORDER BY 1) AS acl
               FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
               WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' ORDER BY 1, 2, 3`,
  extensions: `SELECT extname, extversion FROM pg_catalog.pg_extension ORDER BY 1`,
};

/**
 * The catalog state a plan may change, across the cluster and in every database that accepts connections.
 * `passwords: false` leaves the stored verifiers out (two servers never share them).
 */
export async function catalogSnapshot(
  server: TestServer,
  options: { passwords: boolean } = { passwords: true },
): Promise<Record<string, unknown>> {
  const snapshot: Record<string, unknown> = {};
  for (const [name, sql] of Object.entries(CLUSTER)) {
    const rows = await server.query(sql);
    snapshot[name] = options.passwords ? rows : rows.map(({ rolpassword: _password, ...row }) => row);
  }
  const databases = await server.query<{ datname: string }>(
    "SELECT datname FROM pg_catalog.pg_database WHERE datallowconn ORDER BY 1",
  );
  for (const { datname } of databases) {
    for (const [name, sql] of Object.entries(PER_DATABASE))
      snapshot[`${datname}.${name}`] = await server.query(sql, datname);
  }
  return snapshot;
}
