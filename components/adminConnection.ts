// The postgresql provider every database resource uses: the admin endpoint, explicit TLS mode, bounded pools.
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../src/config/schema";

export interface AdminConnectionArgs {
  /** The validated `fleetdb:admin` config. Unset host/port: the provider reads PGHOST/PGPORT at run time. */
  admin: StackConfig["admin"];
  /** The superuser password (a secret). */
  password: pulumi.Input<string>;
  /** Pool size per database (the budget's deployerMaxConnections). */
  maxConnections: number;
  /** The server's PostgreSQL major; tells the provider which features to use without fingerprinting. */
  postgresMajorVersion: number;
}

/** The admin endpoint as the stack reports it (no password). */
export interface AdminEndpoint {
  host: string;
  port: string;
  database: string;
  username: string;
  sslmode: string;
}

export class AdminConnection extends pulumi.ComponentResource {
  readonly provider: postgresql.Provider;
  /** The provider resource's name (labels the deployer's share in the budget). */
  readonly providerName: string;
  /** Where the provider connects; "$PGHOST"/"$PGPORT" when it takes them from the environment. */
  readonly endpoint: pulumi.Output<AdminEndpoint>;

  constructor(name: string, args: AdminConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleetdb:server:AdminConnection", name, {}, opts);
    const { admin } = args;
    this.providerName = `${name}-provider`;
    this.provider = new postgresql.Provider(
      this.providerName,
      {
        // Left unset, host and port come from PGHOST/PGPORT in the provider's own environment, so each
        // operator's SSH-tunnel port is not a program input and shows no diff.
        host: admin.host,
        port: admin.port,
        database: admin.database,
        username: admin.username,
        password: args.password,
        sslmode: admin.sslmode,
        superuser: true,
        maxConnections: args.maxConnections,
        connectTimeout: admin.connectTimeoutSeconds,
        expectedVersion: `${args.postgresMajorVersion}.0.0`,
      },
      { parent: this },
    );
    this.endpoint = pulumi.output({
      host: admin.host ?? "$PGHOST",
      port: admin.port !== undefined ? String(admin.port) : "$PGPORT",
      database: admin.database,
      username: admin.username,
      sslmode: admin.sslmode,
    });
    this.registerOutputs({ endpoint: this.endpoint });
  }
}
