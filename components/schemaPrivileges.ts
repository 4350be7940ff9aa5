// A read or readwrite role's privileges on every schema of its database, for existing and future objects.
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import { SCHEMA_PRIVILEGES, type SchemaObjectType } from "../src/privilegeMatrix";
import { SerialLanes } from "../resources/serialLanes";

export interface SchemaPrivilegesArgs {
  /** The grantee (usually a NOLOGIN group). */
  role: string;
  /** read or readwrite. */
  access: keyof typeof SCHEMA_PRIVILEGES;
  database: string;
  schemas: string[];
  /** The schemas' owner: default privileges cover objects this role creates later. */
  owner: string;
  /** The provider every postgresql resource is passed explicitly. */
  provider: postgresql.Provider;
  /** Serializes grants on the same schema. */
  lanes: SerialLanes;
  /** What must exist first: the schemas and the grantee. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

export class SchemaPrivileges extends pulumi.ComponentResource {
  readonly grants: postgresql.Grant[] = [];
  readonly defaultPrivileges: postgresql.DefaultPrivileges[] = [];

  constructor(name: string, args: SchemaPrivilegesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleetdb:access:SchemaPrivileges", name, {}, opts);
    const { provider, lanes, database, role } = args;
    const entries = Object.entries(SCHEMA_PRIVILEGES[args.access]) as [SchemaObjectType, string[]][];
    for (const schema of args.schemas) {
      const lane = SerialLanes.schema(database, schema);
      const after = () => ({ parent: this, provider, dependsOn: [...args.dependsOn, ...lanes.after(lane)] });
      for (const [objectType, privileges] of entries) {
        // An empty `objects` list means every object of the type in the schema (ON ALL … IN SCHEMA).
        this.grants.push(
          lanes.push(
            lane,
            new postgresql.Grant(
              `${name}-${schema}-${objectType}`,
              { database, role, schema, objectType, privileges },
              after(),
            ),
          ),
        );
      }
      for (const [objectType, privileges] of entries) {
        if (objectType === "schema") continue;
        this.defaultPrivileges.push(
          lanes.push(
            lane,
            new postgresql.DefaultPrivileges(
              `${name}-${schema}-${objectType}-default`,
              { database, owner: args.owner, role, schema, objectType, privileges },
              // Changing a field replaces it; delete first, or the old one's REVOKE would undo the new grant.
              { ...after(), deleteBeforeReplace: true },
            ),
          ),
        );
      }
    }
    this.registerOutputs({});
  }
}
