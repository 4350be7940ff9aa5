// fleetdb:pooler: an opt-in session-mode PgBouncer beside the server, and which services connect through it.
import { z } from "zod";
import { isLoopback } from "../../../policies/core/addresses";
import { PGBOUNCER_IMAGE } from "../../../policies/core/pooler";
import { unpinnedReason } from "../../../policies/core/imageReference";
import { count, dockerName, expecting, integer, marker, name, port, shown, uniqueList } from "../values";

const pooledRole = z.strictObject(
  {
    /** Connections the role keeps for clients that connect to the server directly. Default 0 (pooled only). */
    directSlots: count.default(0),
  },
  { error: expecting("a mapping with directSlots") },
);

const poolerLogin = z.strictObject(
  {
    /** The login PgBouncer runs its password lookup as (auth_user) and the console login. Default fleetdb_pooler. */
    name: name.default("fleetdb_pooler"),
    /** Its CONNECTION LIMIT (budgeted like any login). Default 3. */
    connectionLimit: integer(2, 100, "an integer from 2 to 100").default(3),
    /** Changing it replaces the pooler login's password, and with it the pooler container. Default "1". */
    passwordRotation: marker.default("1"),
  },
  { error: expecting("a mapping with name and connectionLimit") },
);

export const pooler = z
  .strictObject(
    {
      /** PgBouncer image pinned to a version. Default edoburu/pgbouncer:v1.25.2-p0. */
      image: z
        .string({ error: expecting(`an image reference such as ${PGBOUNCER_IMAGE}`) })
        .superRefine((value, ctx) => {
          const reason = unpinnedReason(value);
          if (reason)
            ctx.addIssue({
              code: "custom",
              message: `expected an image pinned to a version such as ${PGBOUNCER_IMAGE} (or a digest): ${shown(value)} ${reason}`,
            });
        })
        .default(PGBOUNCER_IMAGE),
      /** Container name. Default pgbouncer. */
      containerName: dockerName("container").default("pgbouncer"),
      /** Host name the services use for the pooler on the server's network. Default pgbouncer. */
      networkAlias: dockerName("alias").default("pgbouncer"),
      /** Publish the pooler on this host address (loopback only). Unset: not published, docker network only. */
      bindAddress: z
        .string({ error: expecting("a loopback address such as 127.0.0.1") })
        .refine((value) => isLoopback(value), {
          error: (issue) =>
            `expected a loopback address (127.0.0.1 or ::1): the pooler is published on loopback or not at all, got ${shown(issue.input)}`,
        })
        .optional(),
      /** Host port when published. Default 6432. */
      hostPort: port.default(6432),
      /** max_client_conn: clients the pooler accepts (waiting ones included). Default 500. */
      maxClientConn: integer(1, 100_000).default(500),
      /** query_wait_timeout: seconds a client may wait for a server connection before the pooler drops it. Default 60. */
      queryWaitTimeoutSeconds: integer(1, 3600, "seconds from 1 to 3600").default(60),
      /** server_login_retry: seconds a pool refuses new clients after a failed server login. Default 3 (PgBouncer's is 15). */
      serverLoginRetrySeconds: integer(1, 60, "seconds from 1 to 60").default(3),
      /** Slots per login left between the pooler's cap and the CONNECTION LIMIT. Default 1. */
      margin: count.default(1),
      /** The pooler's own login (password lookup and console). */
      login: poolerLogin.default({ name: "fleetdb_pooler", connectionLimit: 3, passwordRotation: "1" }),
      /** Services whose DATABASE_URL points at the pooler (each one opts in). */
      services: uniqueList(name, "services"),
      /** Per login role of a pooled service: the direct slots it keeps. Unlisted roles are pooled only. */
      roles: z.record(name, pooledRole, { error: expecting("a mapping of roles") }).default({}),
    },
    { error: expecting("a mapping with services") },
  )
  .optional();
