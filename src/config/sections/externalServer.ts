// fleetdb:server in mode "external": a PostgreSQL the stack does not run (a managed service or another team's
// server), its endpoint and TLS, the slots it has; and the keys each mode refuses, so a half-switched file fails.
import { z } from "zod";
import { isLoopback } from "../../../policies/core/addresses";
import { admin } from "./admin";
import { count, expecting, host, integer, port, shown } from "../values";

/**
 * Majors external mode plans for: from 16 a CREATEROLE admin gets ADMIN on the roles it creates and can grant
 * itself SET on them (GRANT … WITH SET), which the non-superuser plan relies on.
 */
export const EXTERNAL_MAJORS = [16, 17, 18] as const;

/** libpq sslmodes fleetdb offers (the provider does not support prefer; allow is weaker still). */
const SSLMODES = ["disable", "require", "verify-ca", "verify-full"] as const;
const VERIFYING: ReadonlySet<string> = new Set(["verify-ca", "verify-full"]);

/** Whether a host is this machine (an SSH tunnel's end): only there may TLS be unverified or off. */
export function isLoopbackHost(value: string): boolean {
  return value === "localhost" || isLoopback(value);
}

/** A CA bundle path as libpq and the provider take it (a file path, PEM): no spaces, quotes or URL delimiters. */
export const caBundlePath = z
  .string({ error: expecting("a CA bundle path such as certs/rds-global-bundle.pem") })
  .refine((value) => /^(?:\/|\.{0,2}\/)?[A-Za-z0-9_][A-Za-z0-9_.+-]*(?:\/[A-Za-z0-9_][A-Za-z0-9_.+-]*)*$/.test(value), {
    error: (issue) =>
      `expected a file path of letters, digits and _ . + - between slashes, such as certs/rds-global-bundle.pem or /etc/ssl/certs/ca.pem, got ${shown(issue.input)}`,
  });

/** A key the mode refuses: present at all, it is an error naming what to do instead. */
function refused(message: string) {
  return z.undefined({ error: () => message }).optional();
}

const CONTAINER_KEY = "is a container key (mode embedded): in mode external fleetdb runs no container; remove it";
const RESERVED_KEY =
  "is a container key (mode embedded): in mode external declare every slot a non-superuser cannot take as platformReservedConnections";

export const externalServer = z
  .strictObject(
    {
      /** "external": fleetdb manages roles, grants and the budget on a server it does not run. */
      mode: z.literal("external"),
      /** The server's host name or IP (bracketed IPv6); no default. The provider, the tools and the services use it. */
      host,
      /** The server's port; no default. */
      port,
      /** The server's PostgreSQL major version (CREATEROLE changed in 16). */
      postgresMajorVersion: z.unknown().transform((value, ctx) => {
        if (!EXTERNAL_MAJORS.includes(value as never)) {
          ctx.addIssue({
            code: "custom",
            message: `expected one of ${EXTERNAL_MAJORS.join(", ")} (external mode needs PostgreSQL 16 or later: a CREATEROLE admin manages the roles it creates only from 16), got ${shown(value)}`,
          });
          return z.NEVER;
        }
        return value as (typeof EXTERNAL_MAJORS)[number];
      }),
      /** The server's real max_connections (SHOW max_connections); no default. */
      maxConnections: integer(1, 262_143),
      /**
       * Slots a non-superuser can never take: superuser_reserved_connections plus what the platform keeps
       * (RDS 3 + 2 = 5, Azure Flexible Server 15, Neon 7). No default.
       */
      platformReservedConnections: count,
      /** libpq sslmode: verify-full or verify-ca; require or disable only for a loopback host (a tunnel). */
      sslmode: z.enum(SSLMODES, {
        error: (issue) =>
          issue.input === undefined
            ? "required: expected verify-full or verify-ca (require or disable only for a loopback host)"
            : `expected verify-full or verify-ca (require or disable only for a loopback host), got ${shown(issue.input)}`,
      }),
      /** The CA bundle (PEM) the deployer verifies the server with, a path on the machine running Pulumi. */
      sslrootcert: caBundlePath.optional(),
      image: refused(CONTAINER_KEY),
      bindAddress: refused(CONTAINER_KEY),
      hostPort: refused(CONTAINER_KEY),
      superuserReservedConnections: refused(RESERVED_KEY),
      reservedConnections: refused(RESERVED_KEY),
      dataVolume: refused(CONTAINER_KEY),
      containerName: refused(CONTAINER_KEY),
      network: refused(CONTAINER_KEY),
      networkAlias: refused(CONTAINER_KEY),
      stopGraceSeconds: refused(CONTAINER_KEY),
    },
    { error: expecting("a mapping with mode: external, host, port, maxConnections and sslmode") },
  )
  .superRefine((server, ctx) => {
    const loopback = isLoopbackHost(server.host);
    if (!loopback && !VERIFYING.has(server.sslmode)) {
      ctx.addIssue({
        code: "custom",
        path: ["sslmode"],
        message: `${server.sslmode} does not verify the server ${server.host}: expected verify-full or verify-ca with sslrootcert (require and disable only for a loopback host such as an SSH tunnel's 127.0.0.1)`,
      });
    }
    if (VERIFYING.has(server.sslmode) && server.sslrootcert === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["sslrootcert"],
        message: `required with sslmode ${server.sslmode}: expected the path of the CA bundle (PEM) that signed the server's certificate`,
      });
    }
    if (!VERIFYING.has(server.sslmode) && server.sslrootcert !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["sslrootcert"],
        message: `is read only with sslmode verify-ca or verify-full, and sslmode is ${server.sslmode}: remove it or verify`,
      });
    }
    if (server.platformReservedConnections >= server.maxConnections) {
      ctx.addIssue({
        code: "custom",
        path: ["platformReservedConnections"],
        message: `platformReservedConnections (${server.platformReservedConnections}) must be less than maxConnections (${server.maxConnections}): no slot would be left for the stack's roles`,
      });
    }
  });

/** The keys only mode external knows, refused in mode embedded (spread into the embedded server's shape). */
export const refusedInEmbedded = Object.fromEntries(
  ["host", "port", "sslmode", "sslrootcert", "platformReservedConnections"].map((key) => [
    key,
    refused("is an external-server key (mode external): in mode embedded the server is the container; remove it"),
  ]),
) as Record<"host" | "port" | "sslmode" | "sslrootcert" | "platformReservedConnections", ReturnType<typeof refused>>;

const ENDPOINT_KEY =
  "in mode external the endpoint is fleetdb:server's host, port, sslmode and sslrootcert: remove it here";

/** `fleetdb:admin` in mode external: the login and its database; the endpoint comes from fleetdb:server. */
export const externalAdmin = admin.omit({ host: true, port: true, sslmode: true }).extend({
  host: refused(ENDPOINT_KEY),
  port: refused(ENDPOINT_KEY),
  sslmode: refused(ENDPOINT_KEY),
});
