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
  /** The CA bundle (mode external); unset: PGSSLROOTCERT, else ~/.postgresql/root.crt, as libpq. */
  sslrootcert?: string;
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
  const candidates = [...passwords, ...fallback].filter(
    (value, index, all): value is string => !!value && all.indexOf(value) === index,
  );
  if (candidates.length === 0) throw new Error(`no password to log in as ${login.user} (set PGPASSWORD to recover)`);
  const host = login.host ?? process.env.PGHOST ?? "127.0.0.1";
  const port = login.port ?? Number(process.env.PGPORT ?? 5432);
  const ssl = tlsFor(login.sslmode, login.sslrootcert);
  let last: unknown;
  for (const password of candidates) {
    const client = new PgClient({
      host,
      port,
      database: login.database,
      user: login.user,
      password,
      ssl,
      connectionTimeoutMillis: login.connectTimeoutSeconds * 1000,
      application_name: "fleetdb dynamic provider",
    });
    try {
      await client.connect();
      return { client, password };
    } catch (error) {
      last = error;
      await client.end().catch(() => undefined);
      if ((error as { code?: string }).code !== "28P01") throw error;
    }
  }
  const refused = new Error(
    `cannot log in as ${login.user} at ${host}:${port}: none of the ${candidates.length} known passwords works (${(last as Error).message}); see docs/rotation.md "Recovering a half-finished rotation"`,
  );
  throw Object.assign(refused, { code: "28P01" });
}

/**
 * TLS as libpq's sslmode means it: require encrypts without checking the server; verify-ca checks the
 * chain against the root certificate libpq would use (PGSSLROOTCERT, else ~/.postgresql/root.crt);
 * verify-full checks the host name too.
 */
export function tlsFor(
  sslmode: string,
  sslrootcert?: string,
): false | { rejectUnauthorized: boolean; ca?: string; checkServerIdentity?: () => undefined } {
  if (sslmode === "disable") return false;
  if (sslmode === "require") return { rejectUnauthorized: false };
  const fs = require("node:fs") as typeof import("node:fs");
  const os = require("node:os") as typeof import("node:os");
  const path = require("node:path") as typeof import("node:path");
  const rootCertificate =
    sslrootcert ?? process.env.PGSSLROOTCERT ?? path.join(os.homedir(), ".postgresql", "root.crt");
  // A configured bundle must exist (libpq fails too); the implicit ~/.postgresql/root.crt may be absent.
  if (sslrootcert !== undefined && !fs.existsSync(sslrootcert))
    throw new Error(`sslrootcert ${sslrootcert} does not exist on this machine`);
  const ca = fs.existsSync(rootCertificate) ? fs.readFileSync(rootCertificate, "utf8") : undefined;
  return { rejectUnauthorized: true, ca, ...(sslmode === "verify-ca" ? { checkServerIdentity: () => undefined } : {}) };
}
