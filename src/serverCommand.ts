// The container's server command and data path: the settings fleetdb pins so the image cannot rewrite them.
import type { ServerConfig } from "./config/schema";

/**
 * `postgres -c …`: command-line settings override postgresql.conf and ALTER SYSTEM, so timescaledb-tune
 * (which rewrites max_connections from the container's memory at first start) cannot change the budget.
 */
export function serverCommand(
  server: Pick<
    ServerConfig,
    "maxConnections" | "superuserReservedConnections" | "reservedConnections" | "postgresMajorVersion"
  >,
): string[] {
  const settings: [string, number][] = [
    ["max_connections", server.maxConnections],
    ["superuser_reserved_connections", server.superuserReservedConnections],
  ];
  // reserved_connections exists from PostgreSQL 16; older servers refuse to start on an unknown setting.
  if (server.postgresMajorVersion >= 16) settings.push(["reserved_connections", server.reservedConnections]);
  return ["postgres", ...settings.flatMap(([key, value]) => ["-c", `${key}=${value}`])];
}

/** Where the image keeps PGDATA: PostgreSQL 18 images moved it (docker-library/postgres#1259). */
export function pgdataPath(major: number): string {
  return major >= 18 ? "/var/lib/postgresql" : "/var/lib/postgresql/data";
}
