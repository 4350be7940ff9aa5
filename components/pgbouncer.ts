// The session-mode PgBouncer container beside the server: pinned image, rendered config uploaded, loopback or unpublished.
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { capsLabel, PGBOUNCER_PORT, PGBOUNCER_TYPE, POOLER_CAPS_LABEL } from "../policies/core/pooler";
import { POSTGRES_PORT } from "../policies/core/serverSettings";
import { renderPgbouncerIni, renderUserlist } from "../src/pooler/pgbouncerConfig";
import type { PoolerPlan } from "../src/pooler/poolerPlan";

/** Where the image reads its config; the entrypoint is bypassed, so no environment variable templates it. */
export const PGBOUNCER_CONFIG_DIR = "/etc/pgbouncer";

export interface PgBouncerArgs {
  /** What the pooler serves (src/pooler/poolerPlan.ts). */
  plan: PoolerPlan;
  /** The server's docker network; the pooler joins it. */
  networkName: pulumi.Input<string>;
  /** The server's alias on that network. */
  serverHost: string;
  /** The pooler login's password (a secret), written to the auth_file only. */
  poolerPassword: pulumi.Input<string>;
}

/** Where services reach the pooler: on the docker network, and on the host when published. */
export interface PoolerEndpoint {
  host: string;
  port: number;
  published: { ip: string; port: number } | null;
}

export class PgBouncer extends pulumi.ComponentResource {
  readonly container: docker.Container;
  readonly endpoint: PoolerEndpoint;

  constructor(name: string, args: PgBouncerArgs, opts?: pulumi.ComponentResourceOptions) {
    super(PGBOUNCER_TYPE, name, {}, opts);
    const { plan } = args;
    const { pooler } = plan;
    const ini = renderPgbouncerIni(plan, {
      serverHost: args.serverHost,
      serverPort: POSTGRES_PORT,
      listenAddr: "0.0.0.0",
      listenPort: PGBOUNCER_PORT,
      authFile: `${PGBOUNCER_CONFIG_DIR}/userlist.txt`,
    });
    const userlist = pulumi.secret(
      pulumi.output(args.poolerPassword).apply((password) => renderUserlist(plan, password)),
    );

    const image = new docker.RemoteImage(`${name}-image`, { name: pooler.image, keepLocally: true }, { parent: this });
    const published = pooler.bindAddress ? { ip: pooler.bindAddress, port: pooler.hostPort } : null;
    this.container = new docker.Container(
      `${name}-container`,
      {
        name: pooler.containerName,
        image: image.imageId,
        entrypoints: ["/usr/bin/pgbouncer"],
        command: [`${PGBOUNCER_CONFIG_DIR}/pgbouncer.ini`],
        // The image runs as its postgres user: the files must be readable by it (the container holds nothing else).
        uploads: [
          { file: `${PGBOUNCER_CONFIG_DIR}/pgbouncer.ini`, content: ini },
          { file: `${PGBOUNCER_CONFIG_DIR}/userlist.txt`, content: userlist },
        ],
        networksAdvanced: [{ name: args.networkName, aliases: [pooler.networkAlias] }],
        ports: published
          ? [{ internal: PGBOUNCER_PORT, external: published.port, ip: published.ip, protocol: "tcp" }]
          : [],
        labels: [{ label: POOLER_CAPS_LABEL, value: capsLabel(plan.logins.map((login) => login.cap)) }],
        healthcheck: {
          tests: ["CMD", "pg_isready", "-h", "127.0.0.1", "-p", String(PGBOUNCER_PORT), "-d", "pgbouncer"],
          interval: "10s",
          timeout: "5s",
          retries: 3,
          startPeriod: "10s",
        },
        restart: "unless-stopped",
        wait: true,
        waitTimeout: 60,
      },
      // An app password rotation changes neither upload (auth_query reads the server's verifiers).
      { parent: this },
    );
    this.endpoint = { host: pooler.networkAlias, port: PGBOUNCER_PORT, published };
    this.registerOutputs({ endpoint: this.endpoint });
  }
}
