// fleetdb:services: each service that connects, its pool size and where its DATABASE_URL points.
import { z } from "zod";
import { expecting, host, integer, name, port } from "../values";
import { caBundlePath } from "./externalServer";

const service = z.strictObject(
  {
    /** The service's client pool size (connections it may hold). */
    poolSize: integer(1, 10_000, "an integer >= 1"),
    /** Host in its DATABASE_URL. Default: the server's networkAlias. */
    host: host.optional(),
    /** Port in its DATABASE_URL. Default 5432 (the container port, reached over the docker network). */
    port: port.optional(),
    /** Mode external: the CA bundle's path on this service's host, in its DATABASE_URL. Default the server's. */
    sslrootcert: caBundlePath.optional(),
  },
  { error: expecting("a mapping with poolSize") },
);

export const services = z.record(name, service, { error: expecting("a mapping of services") }).default({});
