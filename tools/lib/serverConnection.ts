// How a tool reaches a live server from a URL: libpq's sslmode meanings, PGPASSWORD, and exit 3 when it cannot.
import { existsSync } from "node:fs";
import { Client, type ClientConfig } from "pg";
import { parse } from "pg-connection-string";
import { BadInput, ServerUnreachable } from "./toolErrors";

export interface ServerTarget {
  config: ClientConfig;
  /** user@host:port/database, never the password: for messages. */
  display: string;
}

/**
 * A `postgres://` / `postgresql://` URL as libpq reads it (`sslmode=require` encrypts without checking,
 * `verify-ca` checks the chain against `sslrootcert`, `verify-full` the host name too); the password may
 * come from PGPASSWORD. Anything else is bad input, named by `option`, with no password echoed.
 */
export function serverTarget(url: string, option: string): ServerTarget {
  if (!/^postgres(ql)?:\/\//i.test(url)) throw new BadInput([`${option}: expected a postgres:// or postgresql:// URL`]);
  const rootCertificate = /[?&]sslrootcert=([^&#]*)/.exec(url)?.[1];
  if (rootCertificate !== undefined && !existsSync(decodeURIComponent(rootCertificate))) {
    throw new BadInput([`${option}: sslrootcert ${decodeURIComponent(rootCertificate)} does not exist`]);
  }
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(url, { useLibpqCompat: true });
  } catch (error) {
    throw new BadInput([`${option}: not a usable postgres URL (${withoutSecrets((error as Error).message, url)})`]);
  }
  const port = parsed.port ? Number(parsed.port) : 5432;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new BadInput([`${option}: port ${parsed.port} is not 1-65535`]);
  if (!parsed.user) throw new BadInput([`${option}: the URL names no user`]);
  const host = parsed.host || "127.0.0.1";
  const database = parsed.database ?? "postgres";
  return {
    config: {
      host,
      port,
      user: parsed.user,
      password: parsed.password ?? process.env.PGPASSWORD,
      database,
      ssl: parsed.ssl as ClientConfig["ssl"],
    },
    display: `${parsed.user}@${host}:${port}/${database}`,
  };
}

/** A connected client, or ServerUnreachable (exit 3) naming the target and the server's or network's reason. */
export async function connectTo(config: ClientConfig, display: string): Promise<Client> {
  const client = new Client({ connectionTimeoutMillis: 10_000, ...config });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new ServerUnreachable(`cannot connect to ${display}: ${describeConnectError(error)}`);
  }
}

function describeConnectError(error: unknown): string {
  const { message, code } = error as { message?: string; code?: string };
  const text = message && message.length > 0 ? message : String(code ?? error);
  return code && !text.includes(code) ? `${text} (${code})` : text;
}

function withoutSecrets(message: string, url: string): string {
  const password = /^[^:]+:\/\/[^:@/]*:([^@/]*)@/.exec(url)?.[1];
  return password ? message.split(password).join("***") : message;
}
