// The TimescaleDB container (mode "embedded"): pinned image, named data volume, network, and the safe settings.
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { ServerConfig } from "../src/config/schema";
import { POSTGRES_PORT } from "../policies/core/budgetFromResources";
import { pgdataPath, serverCommand } from "../src/serverCommand";

export interface TimescaleServerArgs {
  /** The validated `fleetdb:server` config. */
  server: ServerConfig;
  /** POSTGRES_PASSWORD: the image applies it only to an empty data directory (a secret). */
  superuserPassword: pulumi.Input<string>;
}

/** PostgreSQL's port inside the container (the port the policy pack keys no-public-db-port on). */
export const CONTAINER_PORT = POSTGRES_PORT;

export class TimescaleServer extends pulumi.ComponentResource {
  /** The container's name (a docker name, not an id). */
  readonly containerName: pulumi.Output<string>;
  /** The docker network services join to reach the server by its alias. */
  readonly networkName: pulumi.Output<string>;
  /** The data volume's name. */
  readonly volumeName: pulumi.Output<string>;
  /** The container resource, for ordering what needs a running server. */
  readonly container: docker.Container;

  constructor(name: string, args: TimescaleServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleetdb:server:TimescaleServer", name, {}, opts);
    const { server } = args;

    const image = new docker.RemoteImage(
      `${name}-image`,
      // keepLocally: replacing the image must not delete the one the running container uses.
      { name: server.image, keepLocally: true },
      { parent: this },
    );

    const volume = new docker.Volume(
      `${name}-data`,
      { name: server.dataVolume },
      // The data outlives the stack: never deleted by `pulumi destroy` or a replacement.
      { parent: this, protect: true, retainOnDelete: true },
    );

    const network = new docker.Network(`${name}-network`, { name: server.network }, { parent: this });

    this.container = new docker.Container(
      `${name}-container`,
      {
        name: server.containerName,
        image: image.imageId,
        command: serverCommand(server),
        envs: [pulumi.interpolate`POSTGRES_PASSWORD=${args.superuserPassword}`, "TIMESCALEDB_TELEMETRY=off"],
        ports: [{ internal: CONTAINER_PORT, external: server.hostPort, ip: server.bindAddress, protocol: "tcp" }],
        volumes: [{ volumeName: volume.name, containerPath: pgdataPath(server.postgresMajorVersion) }],
        networksAdvanced: [{ name: network.name, aliases: [server.networkAlias] }],
        healthcheck: {
          // TCP, not the socket: the init-time server listens only on the socket and would look healthy.
          tests: [
            "CMD",
            "pg_isready",
            "-h",
            "127.0.0.1",
            "-p",
            String(CONTAINER_PORT),
            "-U",
            "postgres",
            "-d",
            "postgres",
          ],
          interval: "10s",
          timeout: "5s",
          retries: 5,
          startPeriod: "60s",
        },
        restart: "unless-stopped",
        // Keep the data volume when the container goes, and give PostgreSQL time for a clean shutdown.
        removeVolumes: false,
        destroyGraceSeconds: server.stopGraceSeconds,
        stopTimeout: server.stopGraceSeconds,
        wait: true,
        waitTimeout: 180,
      },
      {
        parent: this,
        // Never two postmasters on one PGDATA: the old container stops before the new one starts.
        deleteBeforeReplace: true,
        // POSTGRES_PASSWORD matters only on an empty volume; a change must not recreate the server.
        ignoreChanges: ["envs"],
      },
    );

    this.containerName = this.container.name;
    this.networkName = network.name;
    this.volumeName = volume.name;
    this.registerOutputs({
      containerName: this.containerName,
      networkName: this.networkName,
      volumeName: this.volumeName,
    });
  }
}
