// SuperuserPassword: sets the superuser's password on the live server with the credential that works now, as a dynamic resource.
import * as pulumi from "@pulumi/pulumi";
import { FLEETDB_KINDS } from "../policies/core/resourceTypes";
import { connectAdmin, type AdminLogin } from "../src/dynamic/adminLogin";

/** Set to 1 for one `pulumi up` to rotate even while other sessions are logged in as the superuser (docs/audit.md). */
export const ROTATE_DESPITE_SESSIONS = "FLEETDB_ROTATE_DESPITE_SESSIONS";

export interface SuperuserPasswordInputs {
  fleetdbKind: typeof FLEETDB_KINDS.superuserPassword;
  /** The admin endpoint (no password here: see the three below). */
  admin: AdminLogin;
  /** The password the superuser must have after this resource runs (a secret). */
  password: string;
  /** Its SCRAM-SHA-256 verifier, computed in the program with a salt kept in state (a secret): what the server is sent. */
  verifier: string;
  /** The live password of an existing data volume (fleetdb:superuserPassword), tried when nothing else works (a secret). */
  bootstrapPassword?: string;
  /** The config keys behind the password and its marker, for messages (unset: the superuser's). */
  configKeys?: ConfigKeys;
}

/** Which config keys give the configured password and the rotation marker. */
export interface ConfigKeys {
  password: string;
  rotation: string;
}

const SUPERUSER_KEYS: ConfigKeys = { password: "superuserPassword", rotation: "superuserPasswordRotation" };

export interface SuperuserPasswordArgs {
  /** The admin endpoint and user (no password: the resource knows which one works). */
  admin: pulumi.Input<Omit<AdminLogin, "password">>;
  /** The password the superuser must have after this resource runs (made a secret). */
  password: pulumi.Input<string>;
  /** Its SCRAM-SHA-256 verifier, computed in the program (made a secret): all the server is ever sent. */
  verifier: pulumi.Input<string>;
  /** The live password of an existing volume, to log in with before the stack knows it (made a secret). */
  bootstrapPassword?: pulumi.Input<string>;
  /** The config keys behind the password and its marker, for messages (unset: the superuser's). */
  configKeys?: ConfigKeys;
}

/**
 * create: log in with the bootstrap password (or the new one, on a fresh volume), send the verifier.
 * update (the marker changed): log in with the password in state, which is the live one, send the new
 * verifier, then prove the new password logs in; the engine then moves the postgresql provider to it.
 * If an earlier apply died after the ALTER and before state was saved, the old password fails and the
 * new one works: the update just confirms it. Nothing is ever sent in plaintext.
 */
export const superuserPasswordProvider: pulumi.dynamic.ResourceProvider = {
  async diff(_id: string, olds: SuperuserPasswordInputs, news: SuperuserPasswordInputs) {
    const replaces = olds.admin.user !== news.admin.user ? ["admin"] : [];
    // bootstrapPassword only matters before the stack knows the live password: its changes are ignored.
    const changes =
      replaces.length > 0 ||
      olds.password !== news.password ||
      olds.verifier !== news.verifier ||
      JSON.stringify({ ...olds.admin, password: undefined }) !==
        JSON.stringify({ ...news.admin, password: undefined }) ||
      (olds as { loginWorks?: boolean }).loginWorks === false;
    return { changes, replaces };
  },

  async create(inputs: SuperuserPasswordInputs) {
    await setPassword(inputs, [inputs.bootstrapPassword, inputs.password]);
    return { id: `superuser/${inputs.admin.user}`, outs: withoutBootstrap(inputs) };
  },

  async update(_id: string, olds: SuperuserPasswordInputs, news: SuperuserPasswordInputs) {
    if (
      news.bootstrapPassword !== undefined &&
      news.password === news.bootstrapPassword &&
      olds.password !== news.password
    ) {
      // The marker was removed while the configured password is still set: that would bring the old password back.
      const keys = news.configKeys ?? SUPERUSER_KEYS;
      const who = news.configKeys ? `the admin login ${news.admin.user}` : "the superuser";
      throw new Error(
        `refusing to set ${who} back to fleetdb:${keys.password}, which the stack rotated away from: keep ${keys.rotation} set, or remove ${keys.password} (pulumi config rm ${keys.password})`,
      );
    }
    await setPassword(news, [olds.password, news.password, news.bootstrapPassword]);
    return { outs: withoutBootstrap(news) };
  },

  async read(id: string, props?: SuperuserPasswordInputs) {
    if (!props) throw new Error(`${id} cannot be imported: declare it in the stack`);
    // A password cannot be read back; what can be checked is that the one in state still logs in.
    let loginWorks = true;
    try {
      const { client } = await connectAdmin({ ...props.admin, password: undefined }, [props.password], {
        environmentFallback: false,
      });
      await client.end();
    } catch (error) {
      // Only a refused password is drift; an unreachable server is an error of the refresh itself.
      if ((error as { code?: string }).code !== "28P01") throw error;
      loginWorks = false;
    }
    return { id, props: { ...props, loginWorks } };
  },

  async delete() {
    // Removing the resource from the stack leaves the superuser's password as it is.
  },
};

function withoutBootstrap(inputs: SuperuserPasswordInputs): SuperuserPasswordInputs {
  const rest = { ...inputs };
  delete rest.bootstrapPassword;
  return rest;
}

async function setPassword(target: SuperuserPasswordInputs, candidates: (string | undefined)[]): Promise<void> {
  const { escapeIdentifier, escapeLiteral } = require("pg") as typeof import("pg");
  if (!/^SCRAM-SHA-256\$\d+:[^$]+\$[^:]+:.+$/.test(target.verifier))
    throw new Error(`the new password of ${target.admin.user} must arrive as a SCRAM-SHA-256 verifier`);
  const { client, password } = await connectAdmin({ ...target.admin, password: undefined }, candidates);
  try {
    if (password !== target.password) {
      await refuseWhileOthersLoggedIn(client, target.admin.user);
      await client.query(
        `ALTER ROLE ${escapeIdentifier(target.admin.user)} PASSWORD ${escapeLiteral(target.verifier)}`,
      );
    }
  } finally {
    await client.end();
  }
  // The old credential is not given up until the new one is proven to log in.
  const { client: proof } = await connectAdmin({ ...target.admin, password: undefined }, [target.password], {
    environmentFallback: false,
  });
  await proof.end();
}

/**
 * A rotation while services still log in as the superuser would cut them off, and "rollback = revert the
 * DATABASE_URL" would stop working: refuse, listing the sessions as the audit groups them, unless the
 * operator sets FLEETDB_ROTATE_DESPITE_SESSIONS=1 for this run. Only client backends count, not its own.
 */
async function refuseWhileOthersLoggedIn(client: import("pg").Client, user: string): Promise<void> {
  const { rows } = await client.query<{ application_name: string; client_address: string | null; sessions: string }>(
    `SELECT a.application_name, pg_catalog.host(a.client_addr) AS client_address, count(*) AS sessions
     FROM pg_catalog.pg_stat_activity a
     WHERE a.usename = $1 AND a.backend_type = 'client backend' AND a.pid <> pg_catalog.pg_backend_pid()
     GROUP BY 1, 2 ORDER BY 1, 2`,
    [user],
  );
  if (rows.length === 0) return;
  const total = rows.reduce((sum, row) => sum + Number(row.sessions), 0);
  const groups = rows.map(
    (row) =>
      `${row.sessions} × application_name ${row.application_name === "" ? "unset" : `"${row.application_name}"`} from ${row.client_address ?? "local socket"}`,
  );
  if (process.env[ROTATE_DESPITE_SESSIONS] === "1") {
    process.stderr.write(
      `rotating the password of ${user} despite ${total} session(s) logged in as it (FLEETDB_ROTATE_DESPITE_SESSIONS=1)\n`,
    );
    return;
  }
  throw new Error(
    `refusing to rotate the password of ${user}: ${total} other client session(s) are logged in as it (${groups.join("; ")}). ` +
      "Move those services to their own logins first (npm run audit lists them; docs/audit.md), " +
      "or run this one pulumi up with FLEETDB_ROTATE_DESPITE_SESSIONS=1 if you know they can be cut off",
  );
}

/** The superuser's password, set on the live server by the stack. */
export class SuperuserPassword extends pulumi.dynamic.Resource {
  /** The password that logs in now (a secret). */
  declare readonly password: pulumi.Output<string>;

  constructor(name: string, args: SuperuserPasswordArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      superuserPasswordProvider,
      name,
      {
        fleetdbKind: FLEETDB_KINDS.superuserPassword,
        admin: args.admin,
        password: pulumi.secret(args.password),
        verifier: pulumi.secret(args.verifier),
        bootstrapPassword: args.bootstrapPassword === undefined ? undefined : pulumi.secret(args.bootstrapPassword),
        ...(args.configKeys ? { configKeys: args.configKeys } : {}),
      },
      opts,
    );
  }
}
