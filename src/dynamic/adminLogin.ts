// How fleetdb's dynamic providers log in as the admin. No module-level imports: this code is serialized
// into the providers, so `pg` is required inside the function, where the provider runs.
import type { Client } from "pg";

/** The admin endpoint (as the postgresql provider gets it) and the password to try first. */
export interface AdminLogin {
  /** Unset: PGHOST in the provider's environment, like the postgresql provider. */
  host?: string;
  /** Unset: PGPORT in the provider's environment. */
  port?: number;
  database: string;
  user: string;
  password?: string;
  sslmode: string;
  connectTimeoutSeconds: number;
}

/**
 * Connects as the admin, trying each password in turn (a wrong one fails authentication with SQLSTATE
 * 28P01, and the next is tried), then (unless told not to) PGPASSWORD from the environment as a last
 * resort. Resolves to the client and the password that worked.
 */
export async function connectAdmin(
  login: AdminLogin,
  passwords: (string | undefined)[],
  options: { environmentFallback: boolean } = { environmentFallback: true },
): Promise<{ client: Client; password: string }> {
  const { Client: PgClient } = require("pg") as typeof import("pg");
  const fallback = options.environmentFallback ? [process.env.PGPASSWORD] : [];
  const candidates = [...passwords, ...fallback].filter((value, index, all): value is string => !!value && all.indexOf(value) === index);
  if (candidates.length === 0) throw new Error(`no password to log in as ${login.user} (set PGPASSWORD to recover)`);
  const host = login.host ?? process.env.PGHOST ?? "127.0.0.1";
  const port = login.port ?? Number(process.env.PGPORT ?? 5432);
  const ssl = login.sslmode === "disable" ? false : login.sslmode === "require" ? { rejectUnauthorized: false } : { rejectUnauthorized: true };
  let last: unknown;
  for (const password of candidates) {
    const client = new PgClient({ host, port, database: login.database, user: login.user, password, ssl, connectionTimeoutMillis: login.connectTimeoutSeconds * 1000, application_name: "fleetdb dynamic provider" });
    try {
      await client.connect();
      return { client, password };
    } catch (error) {
      last = error;
      await client.end().catch(() => undefined);
      if ((error as { code?: string }).code !== "28P01") throw error;
    }
  }
  throw new Error(`cannot log in as ${login.user} at ${host}:${port}: none of the ${candidates.length} known passwords works (${(last as Error).message}); see README "Recovering a half-finished rotation"`);
}
