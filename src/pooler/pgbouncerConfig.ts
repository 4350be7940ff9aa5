// pgbouncer.ini and userlist.txt for a pooler plan: session pooling, caps per login, auth_query, no app password.
import { POOLER_LOOKUP } from "./lookupFunction";
import type { PoolerPlan } from "./poolerPlan";
import { writePgbouncerIni, type IniSection } from "./pgbouncerIni";
import { writeUserlist } from "./userlist";

/** Where the pooler runs: the container's paths and ports (a test adapts only these). */
export interface PoolerPlacement {
  /** The server's host and port as the pooler reaches them. */
  serverHost: string;
  serverPort: number;
  listenAddr: string;
  listenPort: number;
  /** The userlist's path as the pooler reads it. */
  authFile: string;
  /** Extra [pgbouncer] lines for the place it runs (logfile, pidfile); none in the container. */
  extra?: readonly (readonly [string, string | number])[];
}

/**
 * Only settings PgBouncer 1.18 (Debian, the tests) and the image's 1.25 both read the same way; docs/pooler.md
 * lists where their behaviour differs. [users] holds only the pooler's own login: in 1.18 a [users] line for a
 * user that is not in the auth_file makes PgBouncer skip auth_query for it (checked with 1.18), so app logins are
 * capped per pooler database (max_db_connections) instead of per user.
 */
export function renderPgbouncerIni(plan: PoolerPlan, placement: PoolerPlacement): string {
  const { pooler } = plan;
  const databases: IniSection = {
    name: "databases",
    entries: plan.logins.map(({ alias, database, cap }) => [
      alias,
      [
        ["host", placement.serverHost],
        ["port", placement.serverPort],
        ["dbname", database],
        // No user=: the server connection logs in as the client's login, which SCRAM pass-through needs.
        ["pool_size", cap.maxConnections],
        ["max_db_connections", cap.maxConnections],
      ],
    ]),
  };
  const users: IniSection = {
    name: "users",
    entries: [[plan.poolerLogin.name, [["max_user_connections", plan.poolerLogin.cap]]]],
  };
  const settings: IniSection = {
    name: "pgbouncer",
    entries: [
      ["listen_addr", placement.listenAddr],
      ["listen_port", placement.listenPort],
      ["unix_socket_dir", ""],
      ["auth_type", "scram-sha-256"],
      ["auth_file", placement.authFile],
      ["auth_user", plan.poolerLogin.name],
      ["auth_query", `SELECT usename, passwd FROM ${POOLER_LOOKUP.schema}.${POOLER_LOOKUP.name}($1)`],
      ["pool_mode", "session"],
      // DISCARD ALL releases a disconnected client's advisory locks, SETs, prepared statements and temp tables.
      ["server_reset_query", "DISCARD ALL"],
      ["server_reset_query_always", 0],
      ["server_login_retry", pooler.serverLoginRetrySeconds],
      ["max_client_conn", pooler.maxClientConn],
      ["query_wait_timeout", pooler.queryWaitTimeoutSeconds],
      ["admin_users", plan.poolerLogin.name],
      ["stats_users", plan.poolerLogin.name],
      ["ignore_startup_parameters", "extra_float_digits"],
      ...(placement.extra ?? []),
    ],
  };
  return writePgbouncerIni("Rendered by fleetdb (docs/pooler.md): changes belong in the stack's config.", [
    databases,
    users,
    settings,
  ]);
}

/**
 * The auth_file holds only the pooler's own login, in plain text: PgBouncer logs in as auth_user with it, and a
 * SCRAM verifier there fails ("password is SCRAM secret but client authentication did not provide SCRAM keys",
 * checked with 1.18). App logins are looked up per login through auth_query, so no app password is written.
 */
export function renderUserlist(plan: PoolerPlan, poolerPassword: string): string {
  return writeUserlist([{ name: plan.poolerLogin.name, secret: poolerPassword }]);
}
