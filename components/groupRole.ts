// A NOLOGIN capability group: holds grants (read / readwrite) or owns a database's schemas (owner).
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import { NO_ELEVATED_ATTRIBUTES } from "../policies/core/roleAttributes";

export interface GroupRoleArgs {
  /** The provider every postgresql resource is passed explicitly. */
  provider: postgresql.Provider;
  /** Owner groups are protected: dropping one would reassign what it owns to the admin. */
  owner: boolean;
}

export class GroupRole extends pulumi.ComponentResource {
  readonly role: postgresql.Role;
  readonly roleName: pulumi.Output<string>;

  constructor(name: string, args: GroupRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleetdb:role:GroupRole", name, {}, opts);
    this.role = new postgresql.Role(
      `${name}-role`,
      { name, login: false, ...NO_ELEVATED_ATTRIBUTES, roles: [] },
      { parent: this, provider: args.provider, protect: args.owner },
    );
    this.roleName = this.role.name;
    this.registerOutputs({ roleName: this.roleName });
  }
}
