// A postgres:// URL given on the command line, as node-postgres connection settings (no database: tools pick it).
import type { ClientConfig } from "pg";
import { parse as parseConnectionString } from "pg-connection-string";
import { BadInput } from "./cli";

/** Parses `url` for `--flag`; the password may come from PGPASSWORD. Never echoes the URL (it may hold a password). */
export function connectionFromUrl(
  flag: string,
  url: string,
): ClientConfig & { host: string; port: number; user: string } {
  let parsed: ReturnType<typeof parseConnectionString>;
  try {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new Error("expected postgres://user[:password]@host[:port][/database]");
    new URL(url);
    parsed = parseConnectionString(url);
  } catch (error) {
    throw new BadInput([`${flag}: not a postgres URL (${(error as Error).message.replace(url, "<url>")})`]);
  }
  if (!parsed.user) throw new BadInput([`${flag}: the URL names no user (postgres://user@host:port)`]);
  return {
    host: parsed.host || "127.0.0.1",
    port: parsed.port ? Number(parsed.port) : 5432,
    user: parsed.user,
    password: parsed.password || process.env.PGPASSWORD,
    // The URL's sslmode and sslrootcert, read the way node-postgres reads them (as npm run plan does).
    ssl: parsed.ssl as ClientConfig["ssl"],
    connectionTimeoutMillis: 10_000,
  };
}
