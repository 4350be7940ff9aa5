// fleetdb:budget: the deployer's pools and the consumers of connection slots this stack does not manage.
import { z } from "zod";
import { count, expecting, integer, label, name, uniqueList } from "../values";

const unmanagedConsumer = z.strictObject(
  {
    /** Connection slots this consumer may hold at once. */
    slots: count,
    /** The existing role it logs in as, when it is a role (granted CONNECT on `databases`). */
    role: name.optional(),
    /** Databases it connects to; `postgres` is allowed. */
    databases: uniqueList(name, "databases").default([]),
    /** What it is, for the budget table. */
    description: label.optional(),
  },
  { error: expecting("a mapping with slots") },
);

export const budget = z.strictObject(
  {
    /** The postgresql provider's pool size per database (its maxConnections); 1 to 20. */
    deployerMaxConnections: integer(1, 20, "an integer from 1 to 20"),
    /** Consumers this stack does not manage that still take slots, keyed by name. */
    unmanaged: z.record(name, unmanagedConsumer, { error: expecting("a mapping of consumers") }).default({}),
  },
  { error: expecting("a mapping with deployerMaxConnections") },
);
