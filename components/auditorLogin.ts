// The optional login `npm run audit` runs as on a schedule: NOSUPERUSER, pg_monitor, a small CONNECTION LIMIT.
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import { AUDITOR_LOGIN_TYPE } from "../policies/core/auditorType";
import type { AuditConfig } from "../src/config/sections/audit";
import { NO_ELEVATED_ATTRIBUTES } from "../policies/core/roleAttributes";
import { generatedPassword } from "../resources/generatedPassword";

export { AUDITOR_LOGIN_TYPE };

export interface AuditorLoginArgs {
  /** The validated `fleetdb:audit.auditor`. */
  auditor: NonNullable<AuditConfig["auditor"]>;
  /** fleetdb:passwordRotation: its password rotates with the app roles'. */
  rotationMarker: string;
  /** The provider every postgresql resource is passed explicitly. */
  provider: postgresql.Provider;
}

export class AuditorLogin extends pulumi.ComponentResource {
  readonly role: postgresql.Role;
  readonly roleName: string;
  /** Its generated password (a secret); the server only sees the SCRAM verifier. */
  readonly password: pulumi.Output<string>;

  constructor(name: string, args: AuditorLoginArgs, opts?: pulumi.ComponentResourceOptions) {
    super(AUDITOR_LOGIN_TYPE, name, {}, opts);
    const { password, verifier } = generatedPassword(name, args.rotationMarker, this);
    this.roleName = args.auditor.name;
    this.role = new postgresql.Role(
      `${name}-role`,
      {
        name: args.auditor.name,
        login: true,
        ...NO_ELEVATED_ATTRIBUTES,
        connectionLimit: args.auditor.connectionLimit,
        password: verifier,
        // Sees every session and setting (pg_read_all_stats, pg_read_all_settings, pg_stat_scan_tables); reads no table.
        roles: ["pg_monitor"],
        // The audit sets tighter local timeouts itself; these bound any other use of the login.
        statementTimeout: 30_000,
        idleInTransactionSessionTimeout: 60_000,
      },
      { parent: this, provider: args.provider, dependsOn: opts?.dependsOn },
    );
    this.password = pulumi.secret(password);
    this.registerOutputs({ roleName: this.roleName, password: this.password });
  }
}
