// Runs resources that must not overlap one after another: grants on one catalog row, fleetdb's admin connections.
import type * as pulumi from "@pulumi/pulumi";

/**
 * One lane per thing that must not be touched twice at once: a database's pg_database row or a schema
 * (grants there fail with "tuple concurrently updated" when run in parallel), or fleetdb's dynamic
 * resources (one admin connection at a time). Each resource placed in a lane depends on the one before.
 */
export class SerialLanes {
  private readonly tails = new Map<string, pulumi.Resource>();

  /** The resource the next one in `lane` must wait for, if any. */
  after(lane: string): pulumi.Resource[] {
    const last = this.tails.get(lane);
    return last ? [last] : [];
  }

  /** Records `resource` as the newest in `lane` and returns it. */
  push<T extends pulumi.Resource>(lane: string, resource: T): T {
    this.tails.set(lane, resource);
    return resource;
  }

  static database(database: string): string {
    return `database:${database}`;
  }

  static schema(database: string, schema: string): string {
    return `schema:${database}.${schema}`;
  }

  /** fleetdb's dynamic resources: they share one admin connection budget slot. */
  static readonly adminConnections = "admin-connections";
}
