// DATABASE_URL for a service: every part percent-encoded, so any password survives the round trip,
// and a host or name that would change the URL's shape (a `/`, `?`, `#`, `@`, `:`) is refused.
import { isIP } from "node:net";
import { hostProblem } from "./config/hosts";

export interface DatabaseUrlParts {
  username: string;
  password: string;
  host: string;
  port: number;
  database: string;
  /** Shown in pg_stat_activity, so sessions of a shared role can be told apart. */
  applicationName: string;
  /** libpq sslmode; unset (embedded mode): not in the URL. */
  sslmode?: string;
  /** The CA bundle's path on the client's host (with verify-*); unset: not in the URL. */
  sslrootcert?: string;
}

/** A URL that cannot be built as asked: a part would have changed its shape. */
export class DatabaseUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DatabaseUrlError";
  }
}

/** A postgresql:// URL: user and password percent-encoded (RFC 3986), host:port/database, then application_name. */
export function databaseUrl(parts: DatabaseUrlParts): string {
  const host = isIP(parts.host) === 6 ? `[${parts.host}]` : parts.host;
  const problem = hostProblem(host);
  if (problem) throw new DatabaseUrlError(`host ${JSON.stringify(parts.host)}: ${problem}`);
  if (!Number.isInteger(parts.port) || parts.port < 1 || parts.port > 65535) {
    throw new DatabaseUrlError(`port ${parts.port}: expected 1-65535`);
  }
  const query = new URLSearchParams({ application_name: parts.applicationName });
  if (parts.sslmode !== undefined) query.set("sslmode", parts.sslmode);
  if (parts.sslrootcert !== undefined) query.set("sslrootcert", parts.sslrootcert);
  const url =
    `postgresql://${encodeURIComponent(parts.username)}:${encodeURIComponent(parts.password)}` +
    `@${host}:${parts.port}/${encodeURIComponent(parts.database)}?${query.toString()}`;
  // What a client reads back must be exactly the parts: anything else means a part changed the shape.
  const parsed = new URL(url);
  const readBack = {
    username: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    host: parsed.hostname,
    port: Number(parsed.port),
    database: decodeURIComponent(parsed.pathname.slice(1)),
    applicationName: parsed.searchParams.get("application_name"),
    sslmode: parsed.searchParams.get("sslmode") ?? undefined,
    sslrootcert: parsed.searchParams.get("sslrootcert") ?? undefined,
    params: [...parsed.searchParams.keys()].join(","),
    hash: parsed.hash,
  };
  const params = [
    "application_name",
    ...(["sslmode", "sslrootcert"] as const).filter((key) => parts[key] !== undefined),
  ];
  const expected = { ...parts, host, params: params.join(","), hash: "" };
  for (const key of Object.keys(readBack) as (keyof typeof readBack)[]) {
    if (readBack[key] !== (expected as Record<string, unknown>)[key]) {
      throw new DatabaseUrlError(
        `the URL for ${parts.username}@${parts.host} would not read back as built (${key} changes)`,
      );
    }
  }
  return url;
}
