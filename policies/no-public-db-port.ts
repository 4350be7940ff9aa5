// no-public-db-port: no container publishes PostgreSQL beyond the host's loopback interface.
//
// Why: docker's `-p 5433:5432` binds every interface and its iptables rules bypass ufw, so a port
// "behind the firewall" is on the internet. The image trusts connections from its own loopback, and
// host networking shares the host's interfaces, so that is public too. The rule keys on the container
// port 5432, the pooler's 6432 and the configured host ports, never on the image (its id is unknown at preview).
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { PGBOUNCER_PORT } from "./core/pooler";
import { POSTGRES_PORT } from "./core/serverSettings";
import { isLoopback } from "./core/addresses";
import { policyConfig } from "./core/policyConfig";
import { resourceOfType } from "./core/resourceOfType";
import { TYPES } from "./core/resourceTypes";
import { booleanOf, numberOf } from "./core/values";

interface Config {
  /** Host ports that carry PostgreSQL whatever the container port (5433 by default). */
  hostPorts: number[];
}

const configSchema: PolicyConfigSchema = {
  properties: {
    hostPorts: {
      type: "array",
      items: { type: "integer" },
      default: [5433],
      description: "Host ports that carry PostgreSQL.",
    },
  },
};

export const noPublicDbPort: ResourceValidationPolicy = {
  name: "no-public-db-port",
  description:
    "No docker container publishes PostgreSQL (container port 5432, PgBouncer's 6432, or a configured host port) beyond loopback.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Publish the port on 127.0.0.1 (ports[].ip) and reach it through an SSH tunnel; services on the same docker network need no published port. " +
    "Do not use publishAllPorts or networkMode: host for the database.",
  configSchema,
  validateResource: resourceOfType(TYPES.container, (props, args, report) => {
    const config = policyConfig<Config>(configSchema, args.getConfig());
    const container = typeof props.name === "string" ? props.name : args.name;
    if (props.networkMode === "host") {
      report(
        `container ${container} uses networkMode: host: PostgreSQL listens on every host interface and the image trusts its loopback; use a bridge network and publish on 127.0.0.1`,
      );
    }
    if (booleanOf(props.publishAllPorts) === true) {
      report(
        `container ${container} sets publishAllPorts: every exposed port, 5432 included, is published on 0.0.0.0; list its ports with ip: 127.0.0.1 instead`,
      );
    }
    const ports = (Array.isArray(props.ports) ? props.ports : []) as Record<string, unknown>[];
    for (const port of ports) {
      const internal = numberOf(port.internal);
      const external = numberOf(port.external);
      // PgBouncer's port leads to the same server: a public pooler is a public database.
      const carriesPostgres =
        internal === POSTGRES_PORT ||
        internal === PGBOUNCER_PORT ||
        (external !== undefined && config.hostPorts.includes(external));
      if (!carriesPostgres) continue;
      const ip = typeof port.ip === "string" ? port.ip : undefined;
      if (isLoopback(ip)) continue;
      const shown = ip === undefined || ip === "" ? "no ip (docker's default 0.0.0.0)" : `ip ${ip}`;
      report(
        `container ${container} publishes PostgreSQL ${external ?? "(a random host port)"}:${internal} on ${shown}, beyond loopback: set ip to 127.0.0.1`,
      );
    }
  }),
};
