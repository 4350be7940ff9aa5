// An application database with its schemas (owned by the owner role) and extensions, all protected.
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseConfig } from "../src/config/schema";

export interface AppDatabaseArgs {
  /** The validated database config. */
  database: DatabaseConfig;
  /** The provider every postgresql resource is passed explicitly. */
  provider: postgresql.Provider;
  /** The owner role, which must exist before it can own schemas. */
  owner: postgresql.Role;
}

export class AppDatabase extends pulumi.ComponentResource {
  readonly database: postgresql.Database;
  readonly schemas: postgresql.Schema[];
  readonly extensions: postgresql.Extension[];
  readonly databaseName: pulumi.Output<string>;

  constructor(name: string, args: AppDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleetdb:database:AppDatabase", name, {}, opts);
    const { provider } = args;
    // The database itself stays owned by the admin: an app role that owned it could DROP or ALTER it.
    this.database = new postgresql.Database(`${name}-database`, { name }, { parent: this, provider, protect: true });
    this.extensions = args.database.extensions.map(
      (extension) =>
        new postgresql.Extension(
          `${name}-extension-${extension}`,
          // A database the provider creates comes from template0, which has no extensions.
          { name: extension, database: this.database.name },
          { parent: this, provider, protect: true },
        ),
    );
    this.schemas = args.database.schemas.map(
      (schema) =>
        new postgresql.Schema(
          `${name}-schema-${schema}`,
          { name: schema, database: this.database.name, owner: args.owner.name, dropCascade: false },
          { parent: this, provider, protect: true, dependsOn: [args.owner] },
        ),
    );
    this.databaseName = this.database.name;
    this.registerOutputs({ databaseName: this.databaseName });
  }
}
