// Where each client of the server connects: a service's DATABASE_URL endpoint and the auditor's, per server mode.
import { POSTGRES_PORT } from "../policies/core/serverSettings";
import type { StackConfig } from "./config/schema";

export interface ClientEndpoint {
  host: string;
  port: number;
  /** Only in mode external: the server's sslmode, and the client's own CA bundle path when it has one. */
  sslmode?: string;
  sslrootcert?: string;
}

/**
 * A service's endpoint. Embedded: the container's alias and port on the docker network (or the service's
 * own host/port). External: the server's host and port (or the service's), its sslmode, and the CA bundle
 * path on the service's host (services.<name>.sslrootcert, else the server's).
 */
export function serviceEndpoint(config: StackConfig, service: string): ClientEndpoint {
  const settings = config.services[service];
  if (config.server.mode === "embedded") {
    return { host: settings.host ?? config.server.networkAlias, port: settings.port ?? POSTGRES_PORT };
  }
  return {
    host: settings.host ?? config.server.host,
    port: settings.port ?? config.server.port,
    sslmode: config.server.sslmode,
    sslrootcert: verifying(config.server.sslmode) ? (settings.sslrootcert ?? config.server.sslrootcert) : undefined,
  };
}

/** The auditor's endpoint: embedded, the published port on the database host; external, the server itself. */
export function auditorEndpoint(config: StackConfig): ClientEndpoint {
  if (config.server.mode === "embedded") {
    return { host: config.admin.host ?? "127.0.0.1", port: config.admin.port ?? config.server.hostPort };
  }
  return {
    host: config.server.host,
    port: config.server.port,
    sslmode: config.server.sslmode,
    sslrootcert: config.server.sslrootcert,
  };
}

function verifying(sslmode: string): boolean {
  return sslmode === "verify-ca" || sslmode === "verify-full";
}
