// A login role's settings postgresql.Role has no field for (lock_timeout, idle_session_timeout), role-wide and per database.
import type * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import { FLEETDB_MANAGED_SETTINGS, type RoleConfig, type SettingValues } from "../src/config/schema";
import type { AdminLogin } from "../src/dynamic/adminLogin";
import { RoleSetting } from "../resources/roleSetting";
import { SerialLanes } from "../resources/serialLanes";

export interface RoleSettingsArgs {
  /** The validated role config: its settings and databaseSettings. */
  role: RoleConfig;
  /** The roles whose sessions get the settings (AppRole.sessionRoles). */
  sessionRoles: { name: string; role: postgresql.Role }[];
  /** How RoleSetting resources log in (a secret). */
  adminLogin: pulumi.Input<AdminLogin>;
  /** Databases by name: an IN DATABASE setting waits for its database to exist. */
  databases: ReadonlyMap<string, pulumi.Resource>;
  /** Chains fleetdb's dynamic resources: one admin connection at a time. */
  lanes: SerialLanes;
}

export class RoleSettings extends pulumi.ComponentResource {
  readonly settings: RoleSetting[] = [];

  constructor(name: string, args: RoleSettingsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleetdb:role:RoleSettings", name, {}, opts);
    for (const session of args.sessionRoles) {
      this.declare(`${name}-${session.name}`, session.role, undefined, args.role.settings, args);
      for (const [database, settings] of Object.entries(args.role.databaseSettings)) {
        this.declare(`${name}-${session.name}-${database}`, session.role, database, settings, args);
      }
    }
    this.registerOutputs({});
  }

  private declare(
    prefix: string,
    role: postgresql.Role,
    database: string | undefined,
    settings: SettingValues,
    args: RoleSettingsArgs,
  ): void {
    const lane = SerialLanes.adminConnections;
    for (const setting of FLEETDB_MANAGED_SETTINGS) {
      const value = settings[setting];
      if (value === undefined) continue;
      const waitFor = [role, ...(database ? [args.databases.get(database)!] : []), ...args.lanes.after(lane)];
      this.settings.push(
        args.lanes.push(
          lane,
          new RoleSetting(
            `${prefix}-${setting}`,
            { role: role.name, database, setting, value, admin: args.adminLogin },
            { parent: this, dependsOn: waitFor },
          ),
        ),
      );
    }
  }
}
