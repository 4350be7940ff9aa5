// fleetdb:server: the Timescale container the stack runs (mode "embedded").
import { isIP } from "node:net";
import { z } from "zod";
import { imageProblem } from "../imageRules";
import { count, dockerName, expecting, integer, port, shown } from "../values";
import { externalServer, refusedInEmbedded } from "./externalServer";

/** PostgreSQL majors the Timescale image is built for. */
export const SUPPORTED_MAJORS = [15, 16, 17, 18] as const;

/** Docker's own networks: joining one puts the server on the host's interfaces or on no network. */
const RESERVED_NETWORKS = ["host", "none", "bridge"];

const ipAddress = z
  .string({ error: expecting("an IP address such as 127.0.0.1") })
  .refine((value) => isIP(value) !== 0, {
    error: (issue) => `expected an IPv4 or IPv6 address such as 127.0.0.1 or ::1, got ${shown(issue.input)}`,
  });

const embeddedServer = z
  .strictObject(
    {
      /** Only "embedded": fleetdb runs the container itself. */
      mode: z.literal("embedded"),
      /** Image with an explicit version tag, e.g. timescale/timescaledb:2.26.0-pg16, optionally @sha256:<digest>. */
      image: z.string({ error: expecting("an image reference such as timescale/timescaledb:2.26.0-pg16") }),
      /** The PostgreSQL major version the image runs; decides PGDATA's path. */
      postgresMajorVersion: z.unknown().transform((value, ctx) => {
        if (!SUPPORTED_MAJORS.includes(value as never)) {
          ctx.addIssue({
            code: "custom",
            message: `expected one of ${SUPPORTED_MAJORS.join(", ")}, got ${shown(value)}`,
          });
          return z.NEVER;
        }
        return value as (typeof SUPPORTED_MAJORS)[number];
      }),
      /** Host address the port is published on. Default 127.0.0.1 (loopback only). */
      bindAddress: ipAddress.default("127.0.0.1"),
      /** Host port mapped to the container's 5432. Default 5433. */
      hostPort: port.default(5433),
      /** Server max_connections, pinned in the command. Default 100. */
      maxConnections: integer(1, 262_143).default(100),
      /** Slots only superusers may take. Default 3. */
      superuserReservedConnections: count.default(3),
      /** PG16+ slots for pg_use_reserved_connections members. Default 0. */
      reservedConnections: count.default(0),
      /** Name of the docker volume holding PGDATA. Default timescaledb-pg<major>-data. */
      dataVolume: dockerName("volume").optional(),
      /** Container name. Default timescaledb. */
      containerName: dockerName("container").default("timescaledb"),
      /** Docker network the services share with the server. Default fleetdb. */
      network: dockerName("network")
        .refine((value) => !RESERVED_NETWORKS.includes(value), {
          error: (issue) =>
            `${shown(issue.input)} is one of docker's own networks (${RESERVED_NETWORKS.join(", ")}): name a network of the stack's own`,
        })
        .default("fleetdb"),
      /** Host name the services use for the server on that network. Default timescale_db. */
      networkAlias: dockerName("alias").default("timescale_db"),
      /** Seconds docker waits for a clean shutdown before SIGKILL. Default 120, at least 60. */
      stopGraceSeconds: integer(60, 3600, "seconds from 60 to 3600").default(120),
      ...refusedInEmbedded,
    },
    { error: expecting("a mapping with mode: embedded") },
  )
  .superRefine((server, ctx) => {
    const problem = imageProblem(server.image, server.postgresMajorVersion);
    if (problem) ctx.addIssue({ code: "custom", path: ["image"], message: problem });
    const reserved = server.superuserReservedConnections + server.reservedConnections;
    if (reserved >= server.maxConnections) {
      ctx.addIssue({
        code: "custom",
        path: ["superuserReservedConnections"],
        message: `superuserReservedConnections + reservedConnections (${reserved}) must be less than maxConnections (${server.maxConnections}); PostgreSQL refuses to start otherwise`,
      });
    }
    if (server.postgresMajorVersion < 16 && server.reservedConnections !== 0) {
      ctx.addIssue({
        code: "custom",
        path: ["reservedConnections"],
        message: `reserved_connections exists from PostgreSQL 16; expected 0 for postgresMajorVersion ${server.postgresMajorVersion}`,
      });
    }
  })
  .transform((server) => ({
    ...server,
    dataVolume: server.dataVolume ?? `timescaledb-pg${server.postgresMajorVersion}-data`,
  }));

/** `fleetdb:server`, keyed by mode: embedded (the container, the default) or external (sections/externalServer.ts). */
export const server = z.discriminatedUnion("mode", [embeddedServer, externalServer], {
  error: (issue) =>
    issue.code === "invalid_union"
      ? `expected mode: embedded (fleetdb runs the container) or external (a server it does not run), got ${shown((issue.input as { mode?: unknown } | undefined)?.mode)}`
      : expecting("a mapping with mode: embedded or external")(issue),
});
