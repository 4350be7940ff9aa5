// A login role a service connects as: bounded, nothing elevated, session defaults set, a generated password.
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { RoleConfig } from "../src/config/schema";
import { NO_ELEVATED_ATTRIBUTES } from "../src/roleAttributes";
import { scramSha256Verifier } from "../src/scram";
import { GENERATED_PASSWORD } from "./adminCredential";

export interface AppRoleArgs {
  /** The validated role config (login: true). */
  role: RoleConfig;
  /** The rotation marker: changing it replaces the password and its salt. */
  rotation: string;
  /** The provider every postgresql resource is passed explicitly. */
  provider: postgresql.Provider;
  /** Group roles it joins (Role.roles is the only membership mechanism: the provider re-applies it on every update). */
  groups: postgresql.Role[];
}

export class AppRole extends pulumi.ComponentResource {
  readonly role: postgresql.Role;
  readonly roleName: pulumi.Output<string>;
  /** The generated password (a secret); the server only ever sees its SCRAM verifier. */
  readonly password: pulumi.Output<string>;

  constructor(name: string, args: AppRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleetdb:role:AppRole", name, {}, opts);
    const { role } = args;
    const keepers = { rotation: args.rotation };
    const password = new random.RandomPassword(`${name}-password`, { ...GENERATED_PASSWORD, keepers }, { parent: this });
    // A random salt, replaced with the password: a salt derived from the password would let an attacker
    // skip the PBKDF2 iterations, and a fresh salt per apply would change the verifier every time.
    const salt = new random.RandomBytes(`${name}-salt`, { length: 16, keepers }, { parent: this });
    const verifier = pulumi.secret(
      pulumi.all([password.result, salt.base64]).apply(([plaintext, saltBase64]) => scramSha256Verifier(plaintext, saltBase64)),
    );

    this.role = new postgresql.Role(
      `${name}-role`,
      {
        name,
        login: true,
        ...NO_ELEVATED_ATTRIBUTES,
        connectionLimit: role.connectionLimit,
        password: verifier,
        roles: args.groups.map((group) => group.name),
        // 0 makes the provider RESET the setting: the database or server default applies.
        statementTimeout: role.settings.statement_timeout ?? 0,
        idleInTransactionSessionTimeout: role.settings.idle_in_transaction_session_timeout ?? 0,
      },
      {
        parent: this,
        provider: args.provider,
        dependsOn: args.groups,
        // An owner role is protected: deleting it would reassign everything it owns to the admin.
        protect: role.access === "owner",
      },
    );
    this.roleName = this.role.name;
    this.password = pulumi.secret(password.result);
    this.registerOutputs({ roleName: this.roleName, password: this.password });
  }
}
