// The superuser's password: the live one of an existing volume (config secret), or generated, rotated by its own marker.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { scramSha256Verifier } from "../src/scram";

export interface AdminCredentialArgs {
  /** The live superuser password of an existing data volume (fleetdb:superuserPassword, a secret). */
  configuredPassword?: pulumi.Output<string>;
  /** fleetdb:superuserPasswordRotation. Unset: the superuser keeps its password; set or changed: a new generated one. */
  rotation?: string;
}

/** URL-safe generated passwords: letters and digits only, 32 characters (about 190 bits). */
export const GENERATED_PASSWORD = { length: 32, special: false, upper: true, lower: true, numeric: true } as const;

/** The rotation keeper before the superuser's marker is first set. */
export const INITIAL_ROTATION = "initial";

export class AdminCredential extends pulumi.ComponentResource {
  /** The password the superuser must have (a secret): POSTGRES_PASSWORD for a fresh volume, the target of a rotation. */
  readonly password: pulumi.Output<string>;
  /** Its SCRAM-SHA-256 verifier with a salt kept in state (a secret). */
  readonly verifier: pulumi.Output<string>;
  /** The configured live password, to log in with before the stack has set one (a secret). */
  readonly bootstrapPassword: pulumi.Output<string> | undefined;

  constructor(name: string, args: AdminCredentialArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleetdb:server:AdminCredential", name, {}, opts);
    const keepers = { rotation: args.rotation ?? INITIAL_ROTATION };
    const generated = new random.RandomPassword(`${name}-generated`, { ...GENERATED_PASSWORD, keepers }, { parent: this });
    const salt = new random.RandomBytes(`${name}-salt`, { length: 16, keepers }, { parent: this });
    // Until the marker is set, a configured live password wins (adopting a server changes nothing).
    const desired = args.rotation === undefined && args.configuredPassword ? args.configuredPassword : generated.result;
    this.password = pulumi.secret(desired);
    this.verifier = pulumi.secret(pulumi.all([desired, salt.base64]).apply(([password, saltBase64]) => scramSha256Verifier(password, saltBase64)));
    this.bootstrapPassword = args.configuredPassword ? pulumi.secret(args.configuredPassword) : undefined;
    this.registerOutputs({ password: this.password, verifier: this.verifier });
  }
}
