// The superuser's password: the live one of an existing volume (config secret), or generated, rotated by its own marker.
import * as pulumi from "@pulumi/pulumi";
import { generatedPassword, verifierOf } from "../resources/generatedPassword";

export interface AdminCredentialArgs {
  /** The live superuser password of an existing data volume (fleetdb:superuserPassword, a secret). */
  configuredPassword?: pulumi.Output<string>;
  /** fleetdb:superuserPasswordRotation. Unset: the superuser keeps its password; set or changed: a new generated one. */
  rotationMarker?: string;
}

/** The marker the superuser's generated password is kept under before fleetdb:superuserPasswordRotation is set. */
export const INITIAL_MARKER = "initial";

export class AdminCredential extends pulumi.ComponentResource {
  /** The password the superuser must have (a secret): POSTGRES_PASSWORD for a fresh volume, the target of a rotation. */
  readonly password: pulumi.Output<string>;
  /** Its SCRAM-SHA-256 verifier with a salt kept in state (a secret). */
  readonly verifier: pulumi.Output<string>;
  /** The configured live password, to log in with before the stack has set one (a secret). */
  readonly bootstrapPassword: pulumi.Output<string> | undefined;

  constructor(name: string, args: AdminCredentialArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleetdb:server:AdminCredential", name, {}, opts);
    const generated = generatedPassword(name, args.rotationMarker ?? INITIAL_MARKER, this);
    // Until the marker is set, a configured live password wins (adopting a server changes nothing).
    const adopting = args.rotationMarker === undefined && args.configuredPassword !== undefined;
    this.password = pulumi.secret(adopting ? args.configuredPassword! : generated.password);
    this.verifier = adopting ? verifierOf(args.configuredPassword!, generated.salt) : generated.verifier;
    this.bootstrapPassword = args.configuredPassword ? pulumi.secret(args.configuredPassword) : undefined;
    this.registerOutputs({
      password: this.password,
      verifier: this.verifier,
      bootstrapPassword: this.bootstrapPassword,
    });
  }
}
