// An application role services connect as: one login, or two alternating logins acting as one group;
// bounded, nothing elevated, session defaults set, generated passwords sent only as SCRAM verifiers.
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import type { RoleConfig } from "../src/config/schema";
import type { RoleLayout } from "../src/loginIdentities";
import { NO_ELEVATED_ATTRIBUTES } from "../policies/core/roleAttributes";
import { PROVIDER_MANAGED_SETTINGS, PROVIDER_SETTING_INPUTS } from "../policies/core/roleSettingNames";
import { generatedPassword } from "../resources/generatedPassword";

export interface AppRoleArgs {
  /** The validated role config (login: true). */
  role: RoleConfig;
  /** Its logins: from roleLayout (one, or `<role>_a`/`<role>_b` around a group). */
  layout: RoleLayout;
  /** The provider every postgresql resource is passed explicitly. */
  provider: postgresql.Provider;
  /** Group roles it joins (Role.roles is the only membership mechanism: the provider re-applies it on every update). */
  groups: postgresql.Role[];
}

export class AppRole extends pulumi.ComponentResource {
  /** The role grants, memberships and ownership refer to: the login, or the alternating logins' group. */
  readonly role: postgresql.Role;
  readonly roleName: pulumi.Output<string>;
  /** Roles whose sessions start with this role's settings: every login, and an owner group that keeps LOGIN. */
  readonly sessionRoles: { name: string; role: postgresql.Role }[] = [];
  /** The login the services connect as now. */
  readonly activeLogin: string;
  /** The active login's generated password (a secret); the server only ever sees SCRAM verifiers. */
  readonly password: pulumi.Output<string>;

  constructor(name: string, args: AppRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleetdb:role:AppRole", name, {}, opts);
    const { role, layout, provider } = args;
    const protect = role.access === "owner";
    const settingsFields = {
      // 0 makes the provider RESET the setting: the database or server default applies.
      ...Object.fromEntries(
        PROVIDER_MANAGED_SETTINGS.map((setting) => [PROVIDER_SETTING_INPUTS[setting], role.settings[setting] ?? 0]),
      ),
    };

    let group: postgresql.Role | undefined;
    if (layout.group) {
      // The group holds what the role holds. An owner keeps LOGIN for TimescaleDB's jobs: no password, no sessions.
      group = new postgresql.Role(
        `${name}-role`,
        {
          name: layout.group.name,
          login: layout.group.login,
          ...NO_ELEVATED_ATTRIBUTES,
          connectionLimit: layout.group.login ? 0 : -1,
          roles: args.groups.map((g) => g.name),
          ...(layout.group.login ? settingsFields : {}),
        },
        { parent: this, provider, dependsOn: args.groups, protect },
      );
      if (layout.group.login) this.sessionRoles.push({ name: layout.group.name, role: group });
    }

    const passwords = new Map<string, pulumi.Output<string>>();
    for (const identity of layout.logins) {
      const { password, verifier } = generatedPassword(identity.name, identity.passwordMarker, this);
      passwords.set(identity.name, password);
      const memberOf = group ? [group] : args.groups;
      const login = new postgresql.Role(
        layout.group ? `${identity.name}-role` : `${name}-role`,
        {
          name: identity.name,
          login: true,
          ...NO_ELEVATED_ATTRIBUTES,
          connectionLimit: identity.connectionLimit,
          password: verifier,
          roles: memberOf.map((g) => g.name),
          // Alternating logins act as the group from the first statement: what they create, the group owns.
          assumeRole: identity.assumeRole,
          ...settingsFields,
        },
        { parent: this, provider, dependsOn: memberOf, protect: protect && !layout.group },
      );
      this.sessionRoles.push({ name: identity.name, role: login });
    }

    this.role = group ?? this.sessionRoles[0].role;
    this.roleName = this.role.name;
    this.activeLogin = layout.active.name;
    this.password = pulumi.secret(passwords.get(layout.active.name)!);
    this.registerOutputs({ roleName: this.roleName, activeLogin: this.activeLogin, password: this.password });
  }
}
