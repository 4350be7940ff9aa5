// An application role services connect as: one login, or two alternating logins acting as one group; bounded,
// nothing elevated, session defaults set, generated passwords sent only as SCRAM verifiers.
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { FLEETDB_MANAGED_SETTINGS, type RoleConfig, type RoleSettings } from "../src/config/schema";
import type { AdminLogin } from "../src/dynamic/adminLogin";
import type { LoginIdentity, RoleLayout } from "../src/loginIdentities";
import { NO_ELEVATED_ATTRIBUTES } from "../src/roleAttributes";
import { scramSha256Verifier } from "../src/scram";
import { GENERATED_PASSWORD } from "./adminCredential";
import { GrantLanes } from "./grantLanes";
import { RoleSetting } from "./roleSetting";

export interface AppRoleArgs {
  /** The validated role config (login: true). */
  role: RoleConfig;
  /** Its logins: from roleLayout (one, or `<role>_a`/`<role>_b` around a group). */
  layout: RoleLayout;
  /** The provider every postgresql resource is passed explicitly. */
  provider: postgresql.Provider;
  /** Group roles it joins (Role.roles is the only membership mechanism: the provider re-applies it on every update). */
  groups: postgresql.Role[];
  /** How RoleSetting resources log in (a secret). */
  adminLogin: pulumi.Input<AdminLogin>;
  /** Chains every RoleSetting of the stack: one admin connection at a time. */
  lanes: GrantLanes;
}

export class AppRole extends pulumi.ComponentResource {
  /** The role grants, memberships and ownership refer to: the login, or the alternating logins' group. */
  readonly role: postgresql.Role;
  readonly roleName: pulumi.Output<string>;
  /** Every login role this component declares. */
  readonly logins: postgresql.Role[] = [];
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
      statementTimeout: role.settings.statement_timeout ?? 0,
      idleInTransactionSessionTimeout: role.settings.idle_in_transaction_session_timeout ?? 0,
    };
    const passwords = new Map<string, pulumi.Output<string>>();
    const sessionRoles: [string, postgresql.Role][] = [];

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
      if (layout.group.login) sessionRoles.push([layout.group.name, group]);
    }

    for (const identity of layout.logins) {
      const { password, verifier } = generatedCredential(this, identity);
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
      this.logins.push(login);
      sessionRoles.push([identity.name, login]);
    }

    for (const [roleName, resource] of sessionRoles) {
      declareSettings(this, roleName, undefined, role.settings, resource, args);
      for (const [database, settings] of Object.entries(role.databaseSettings)) declareSettings(this, roleName, database, settings, resource, args);
    }

    this.role = group ?? this.logins[0]!;
    this.roleName = this.role.name;
    this.activeLogin = layout.active.name;
    this.password = pulumi.secret(passwords.get(layout.active.name)!);
    this.registerOutputs({ roleName: this.roleName, activeLogin: this.activeLogin, password: this.password });
  }
}

/**
 * A generated, URL-safe password and a random salt, both replaced when the login's generation changes.
 * A salt derived from the password would let an attacker skip the PBKDF2 iterations; a fresh salt per
 * apply would change the verifier every time.
 */
function generatedCredential(parent: pulumi.Resource, identity: LoginIdentity): { password: pulumi.Output<string>; verifier: pulumi.Output<string> } {
  const keepers = { rotation: identity.generation };
  const password = new random.RandomPassword(`${identity.name}-password`, { ...GENERATED_PASSWORD, keepers }, { parent });
  const salt = new random.RandomBytes(`${identity.name}-salt`, { length: 16, keepers }, { parent });
  const verifier = pulumi.secret(pulumi.all([password.result, salt.base64]).apply(([plaintext, saltBase64]) => scramSha256Verifier(plaintext, saltBase64)));
  return { password: password.result, verifier };
}

/** RoleSetting resources for the settings postgresql.Role has no field for, in one lane across the stack. */
function declareSettings(parent: AppRole, roleName: string, database: string | undefined, settings: RoleSettings, role: postgresql.Role, args: AppRoleArgs): void {
  const lane = "role-settings";
  for (const setting of FLEETDB_MANAGED_SETTINGS) {
    const value = settings[setting];
    if (value === undefined) continue;
    const name = database ? `${roleName}-setting-${database}-${setting}` : `${roleName}-setting-${setting}`;
    args.lanes.push(
      lane,
      new RoleSetting(
        name,
        { role: role.name, database, setting: setting as "lock_timeout" | "idle_session_timeout", value, admin: args.adminLogin },
        { parent, dependsOn: [role, ...args.lanes.tail(lane)] },
      ),
    );
  }
}
