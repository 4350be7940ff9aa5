// Mode external: the postgresql provider on a server the stack does not run, as its non-superuser admin login.
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import type { ExternalServerConfig, ExternalStackConfig } from "../src/config/schema";
import type { AdminLogin } from "../src/dynamic/adminLogin";
import { SuperuserPassword, type ConfigKeys } from "../resources/superuserPassword";
import { AdminCredential } from "./adminCredential";
import type { AdminEndpoint } from "./adminConnection";

const ADMIN_KEYS: ConfigKeys = { password: "adminPassword", rotation: "adminPasswordRotation" };

export interface ExternalServerArgs {
  /** The validated external `fleetdb:server`: endpoint, TLS, major version. */
  server: ExternalServerConfig;
  /** The validated `fleetdb:admin` of mode external: login name, maintenance database, connect timeout. */
  admin: ExternalStackConfig["admin"];
  /** The admin login's password (fleetdb:adminPassword, a secret). */
  password: pulumi.Output<string>;
  /** fleetdb:adminPasswordRotation. Unset: the admin keeps fleetdb:adminPassword; set or changed: a new generated one. */
  rotationMarker?: string;
  /** Pool size per database (the budget's deployerMaxConnections). */
  maxConnections: number;
}

/**
 * No container, image, volume or network, and no superuser password resource: the platform owns the server and
 * the admin's password. What is left is the provider, told the admin is not a superuser.
 */
export class ExternalServer extends pulumi.ComponentResource {
  readonly provider: postgresql.Provider;
  /** Sets the admin login's password on the server when its marker changes (a no-op until then). */
  readonly adminPassword: SuperuserPassword;
  /** The provider resource's name (labels the deployer's share in the budget). */
  readonly providerName: string;
  /** How fleetdb's own dynamic resources log in (a secret). */
  readonly login: pulumi.Output<AdminLogin>;
  /** Where the provider connects (no password). */
  readonly endpoint: pulumi.Output<AdminEndpoint>;

  constructor(name: string, args: ExternalServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleetdb:server:ExternalServer", name, {}, opts);
    const { server, admin } = args;
    // The provider and pg take IPv6 unbracketed; the config writes it bracketed, as in a URL.
    const host = server.host.replace(/^\[(.*)\]$/, "$1");
    const endpoint = {
      host,
      port: server.port,
      database: admin.database,
      user: admin.username,
      sslmode: server.sslmode,
      ...(server.sslrootcert !== undefined ? { sslrootcert: server.sslrootcert } : {}),
      connectTimeoutSeconds: admin.connectTimeoutSeconds,
    };
    // The admin's own password, as the superuser's in mode embedded: fleetdb:adminPassword until a marker is
    // set, then a generated one set with the password that works now and proven before the provider moves to
    // it; removing the marker afterwards is refused rather than going back to a password the server no longer has.
    const credential = new AdminCredential(
      "admin-login",
      { configuredPassword: args.password, rotationMarker: args.rotationMarker },
      { parent: this },
    );
    this.adminPassword = new SuperuserPassword(
      `${name}-admin-password`,
      {
        admin: endpoint,
        password: credential.password,
        verifier: credential.verifier,
        bootstrapPassword: credential.bootstrapPassword,
        configKeys: ADMIN_KEYS,
      },
      { parent: this },
    );
    this.providerName = `${name}-provider`;
    this.provider = new postgresql.Provider(
      this.providerName,
      {
        host,
        port: server.port,
        database: admin.database,
        username: admin.username,
        password: this.adminPassword.password,
        sslmode: server.sslmode,
        // A path on the machine running Pulumi (provider.go: "The SSL server root certificate file path").
        sslrootcert: server.sslrootcert,
        // The admin is not a superuser: without this every refresh of a LOGIN role fails, because
        // readRolePassword (resource_postgresql_role.go) would read pg_shadow. Owner juggling does not depend
        // on it: withRolesGranted (helpers.go) checks rolsuper of CURRENT_USER at run time.
        superuser: false,
        maxConnections: args.maxConnections,
        connectTimeout: admin.connectTimeoutSeconds,
        expectedVersion: `${server.postgresMajorVersion}.0.0`,
      },
      { parent: this },
    );
    this.login = pulumi.secret(
      pulumi.output(this.adminPassword.password).apply((password): AdminLogin => ({ ...endpoint, password })),
    );
    this.endpoint = pulumi.output({
      host,
      port: String(server.port),
      database: admin.database,
      username: admin.username,
      sslmode: server.sslmode,
      ...(server.sslrootcert !== undefined ? { sslrootcert: server.sslrootcert } : {}),
    });
    this.registerOutputs({ login: this.login, endpoint: this.endpoint });
  }
}
