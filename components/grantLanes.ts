// Serializes grants that rewrite the same catalog row, avoiding "tuple concurrently updated".
import type * as pulumi from "@pulumi/pulumi";

/**
 * One lane per catalog object (a database's pg_database row, a schema's pg_namespace row and its tables):
 * each grant placed in a lane depends on the one before it, so the provider never runs two at once.
 */
export class GrantLanes {
  private readonly tails = new Map<string, pulumi.Resource>();

  /** The resource the next grant in `lane` must wait for, if any. */
  tail(lane: string): pulumi.Resource[] {
    const last = this.tails.get(lane);
    return last ? [last] : [];
  }

  /** Records `resource` as the newest grant in `lane` and returns it. */
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
}
