// DATABASE_URL for a service: every part percent-encoded, so any password survives the round trip.
import { isIP } from "node:net";

export interface DatabaseUrlParts {
  username: string;
  password: string;
  host: string;
  port: number;
  database: string;
  /** Shown in pg_stat_activity, so sessions of a shared role can be told apart. */
  applicationName: string;
}

/** A postgresql:// URL: user and password percent-encoded (RFC 3986), then host:port/database and application_name; IPv6 hosts in brackets. */
export function databaseUrl(parts: DatabaseUrlParts): string {
  const host = isIP(parts.host) === 6 ? `[${parts.host}]` : parts.host;
  const query = new URLSearchParams({ application_name: parts.applicationName });
  return (
    `postgresql://${encodeURIComponent(parts.username)}:${encodeURIComponent(parts.password)}` +
    `@${host}:${parts.port}/${encodeURIComponent(parts.database)}?${query.toString()}`
  );
}
