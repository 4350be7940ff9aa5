// How the deployer logs in: the superuser's password set on the live server, then the postgresql provider using it.
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import type { EmbeddedStackConfig } from "../src/config/schema";
import type { AdminLogin } from "../src/dynamic/adminLogin";
import { SuperuserPassword } from "../resources/superuserPassword";

export interface AdminConnectionArgs {
  /** The validated `fleetdb:admin` config. Unset host/port: PGHOST/PGPORT at run time. */
  admin: EmbeddedStackConfig["admin"];
  /** The password the superuser must have (a secret). */
  password: pulumi.Input<string>;
  /** Its SCRAM verifier (a secret). */
  verifier: pulumi.Input<string>;
  /** The configured live password of an existing volume (a secret). */
  bootstrapPassword?: pulumi.Input<string>;
  /** Pool size per database (the budget's deployerMaxConnections). */
  maxConnections: number;
  /** The server's PostgreSQL major; tells the provider which features to use without fingerprinting. */
  postgresMajorVersion: number;
  /** What must run first: the server. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** The admin endpoint as the stack reports it (no password). */
export interface AdminEndpoint {
  host: string;
  port: string;
  database: string;
  username: string;
  sslmode: string;
  /** Mode external: the CA bundle the provider verifies the server with. */
  sslrootcert?: string;
}

export class AdminConnection extends pulumi.ComponentResource {
  readonly provider: postgresql.Provider;
  /** The provider resource's name (labels the deployer's share in the budget). */
  readonly providerName: string;
  /** Sets the superuser's password on the live server before anything logs in with it. */
  readonly superuserPassword: SuperuserPassword;
  /** How fleetdb's own dynamic resources log in (a secret). */
  readonly login: pulumi.Output<AdminLogin>;
  /** Where the provider connects; "$PGHOST"/"$PGPORT" when it takes them from the environment. */
  readonly endpoint: pulumi.Output<AdminEndpoint>;

  constructor(name: string, args: AdminConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleetdb:server:AdminConnection", name, {}, opts);
    const { admin } = args;
    const endpoint = {
      host: admin.host,
      port: admin.port,
      database: admin.database,
      user: admin.username,
      sslmode: admin.sslmode,
      connectTimeoutSeconds: admin.connectTimeoutSeconds,
    };
    this.superuserPassword = new SuperuserPassword(
      `${name}-superuser-password`,
      { admin: endpoint, password: args.password, verifier: args.verifier, bootstrapPassword: args.bootstrapPassword },
      { parent: this, dependsOn: args.dependsOn },
    );
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
        // The password the server has now: after a rotation, the new one (the provider moves to it, and
        // since pulumi 3.151 a changed provider config does not replace the resources that use it).
        password: this.superuserPassword.password,
        sslmode: admin.sslmode,
        superuser: true,
        maxConnections: args.maxConnections,
        connectTimeout: admin.connectTimeoutSeconds,
        expectedVersion: `${args.postgresMajorVersion}.0.0`,
      },
      { parent: this, dependsOn: args.dependsOn },
    );
    this.login = pulumi.secret(
      pulumi.output(this.superuserPassword.password).apply((password): AdminLogin => ({ ...endpoint, password })),
    );
    this.endpoint = pulumi.output({
      host: admin.host ?? "$PGHOST",
      port: admin.port !== undefined ? String(admin.port) : "$PGPORT",
      database: admin.database,
      username: admin.username,
      sslmode: admin.sslmode,
    });
    this.registerOutputs({ login: this.login, endpoint: this.endpoint });
  }
}
