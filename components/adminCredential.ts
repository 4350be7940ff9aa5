// The superuser password: generated for a fresh volume, or the live one supplied as a config secret.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

export interface AdminCredentialArgs {
  /** The live superuser password of an existing data volume (fleetdb:superuserPassword). When set, it wins. */
  configuredPassword?: pulumi.Output<string>;
}

/** URL-safe generated passwords: letters and digits only, 32 characters (about 190 bits). */
export const GENERATED_PASSWORD = { length: 32, special: false, upper: true, lower: true, numeric: true } as const;

export class AdminCredential extends pulumi.ComponentResource {
  /** The password the provider logs in with, and POSTGRES_PASSWORD for a fresh data volume (a secret). */
  readonly password: pulumi.Output<string>;
  /** Where `password` comes from: "config" or "generated". */
  readonly source: pulumi.Output<string>;

  constructor(name: string, args: AdminCredentialArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleetdb:server:AdminCredential", name, {}, opts);
    const generated = new random.RandomPassword(`${name}-generated`, { ...GENERATED_PASSWORD }, { parent: this });
    this.password = pulumi.secret(args.configuredPassword ?? generated.result);
    this.source = pulumi.output(args.configuredPassword ? "config" : "generated");
    this.registerOutputs({ password: this.password, source: this.source });
  }
}
