// The rules across sections that depend on the server's mode: a service's CA bundle is for a server it verifies.
import type { Issue, StackShape } from "./schema";

export function modeProblems(config: StackShape): Issue[] {
  const issues: Issue[] = [];
  const server = config.server;
  for (const [name, service] of Object.entries(config.services)) {
    if (service.sslrootcert === undefined) continue;
    if (server.mode === "embedded") {
      issues.push({
        path: ["services", name, "sslrootcert"],
        message:
          "is an external-server key (mode external): in mode embedded services reach the container over the docker network without TLS; remove it",
      });
    } else if (server.sslmode !== "verify-ca" && server.sslmode !== "verify-full") {
      issues.push({
        path: ["services", name, "sslrootcert"],
        message: `is read only with sslmode verify-ca or verify-full, and fleetdb:server.sslmode is ${server.sslmode}: remove it or verify`,
      });
    }
  }
  return issues;
}
