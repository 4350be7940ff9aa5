// Who may connect to one database: REVOKE ALL from PUBLIC, then CONNECT/TEMPORARY/CREATE only where the matrix says.
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseGrant } from "../src/privilegeMatrix";
import { SerialLanes } from "../resources/serialLanes";

export interface DatabaseAccessArgs {
  /** The database name (an application database, or postgres / template1). */
  database: string;
  /** Grants in the order they run; the PUBLIC revoke comes last. */
  grants: DatabaseGrant[];
  /** The provider every postgresql resource is passed explicitly. */
  provider: postgresql.Provider;
  /** Serializes grants on the same database row. */
  lanes: SerialLanes;
  /** What must exist first: the database and the roles that get access through these grants. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

export class DatabaseAccess extends pulumi.ComponentResource {
  readonly grants: postgresql.Grant[];

  constructor(name: string, args: DatabaseAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleetdb:database:DatabaseAccess", name, {}, opts);
    const lane = SerialLanes.database(args.database);
    this.grants = args.grants.map((grant) =>
      args.lanes.push(
        lane,
        new postgresql.Grant(
          `${name}-${grant.role}`,
          { database: args.database, role: grant.role, objectType: "database", privileges: grant.privileges },
          { parent: this, provider: args.provider, dependsOn: [...args.dependsOn, ...args.lanes.after(lane)] },
        ),
      ),
    );
    this.registerOutputs({});
  }
}
