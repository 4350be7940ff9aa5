// RoleSetting: ALTER ROLE … [IN DATABASE …] SET for the settings postgresql.Role has no field for, as a dynamic resource.
import * as pulumi from "@pulumi/pulumi";
import { FLEETDB_KINDS } from "../policies/core/resourceTypes";
import { parseDuration } from "../src/config/durations";
import { connectAdmin, type AdminLogin } from "../src/dynamic/adminLogin";
import { FLEETDB_MANAGED_SETTINGS, type FleetdbManagedSetting } from "../policies/core/roleSettingNames";
import { READ_ROLE_SETTING, roleSettingStatement, settingFrom } from "../src/sql/roleSettingStatements";

export interface RoleSettingInputs {
  fleetdbKind: typeof FLEETDB_KINDS.roleSetting;
  role: string;
  /** Set: ALTER ROLE … IN DATABASE (overrides the role-level value in that database). */
  database?: string;
  setting: string;
  /** Milliseconds; 0 is "off", a value like any other (removing the resource RESETs the setting). */
  value: number;
  /** Where and as whom to connect; the password is a secret and stays one in state. */
  admin: AdminLogin;
}

export interface RoleSettingArgs {
  /** The role whose sessions get the setting. */
  role: pulumi.Input<string>;
  /** Set: only sessions in this database (ALTER ROLE … IN DATABASE). */
  database?: string;
  /** One of the settings postgresql.Role cannot set (the allow-list: lock_timeout, idle_session_timeout). */
  setting: FleetdbManagedSetting;
  /** Milliseconds, 0 to 2147483647; 0 is "off", not a reset. */
  value: number;
  /** How to log in as the admin (made a secret: it holds the superuser's password). */
  admin: pulumi.Input<AdminLogin>;
}

/** Why a setting/value pair cannot be sent, or undefined. Runs in the program and again in the provider. */
export function roleSettingProblem(setting: unknown, value: unknown): string | undefined {
  if (!(FLEETDB_MANAGED_SETTINGS as readonly unknown[]).includes(setting)) {
    return `setting ${String(setting)} is not one fleetdb manages (allowed: ${FLEETDB_MANAGED_SETTINGS.join(", ")})`;
  }
  const parsed = parseDuration(value);
  if (!parsed.ok) return `${String(setting)}: ${parsed.problem}`;
  return undefined;
}

function idOf(inputs: Pick<RoleSettingInputs, "role" | "database" | "setting">): string {
  return `${inputs.role}/${inputs.database ?? "*"}/${inputs.setting}`;
}

/**
 * The provider. Its code is serialized into the stack's state and run by the engine's dynamic-provider
 * host, so `pg` is required inside the methods (connectAdmin) and nothing captures a module binding.
 * The admin credential comes from the resource's own inputs (create, update) or state (read, delete):
 * every `up` that changes the admin password updates each RoleSetting's stored credential, and
 * connectAdmin falls back to PGPASSWORD for a refresh in the middle of a rotation.
 */
export const roleSettingProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: RoleSettingInputs, news: RoleSettingInputs) {
    const problem = roleSettingProblem(news.setting, news.value);
    return problem ? { inputs: news, failures: [{ property: "value", reason: problem }] } : { inputs: news };
  },

  async diff(_id: string, olds: RoleSettingInputs, news: RoleSettingInputs) {
    const replaces = (["role", "database", "setting"] as const).filter(
      (key) => (olds[key] ?? null) !== (news[key] ?? null),
    );
    const changes =
      replaces.length > 0 || olds.value !== news.value || JSON.stringify(olds.admin) !== JSON.stringify(news.admin);
    // Same role/database/setting under a new resource: delete first, or the old one's RESET would undo it.
    return { changes, replaces, deleteBeforeReplace: true };
  },

  async create(inputs: RoleSettingInputs) {
    await applySetting(inputs, inputs.value);
    return { id: idOf(inputs), outs: inputs };
  },

  async update(_id: string, _olds: RoleSettingInputs, news: RoleSettingInputs) {
    await applySetting(news, news.value);
    return { outs: news };
  },

  async delete(_id: string, props: RoleSettingInputs) {
    await applySetting(props, undefined);
  },

  async read(id: string, props?: RoleSettingInputs) {
    if (!props) throw new Error(`RoleSetting ${id} cannot be imported: declare it in the stack`);
    const { client } = await connectAdmin(props.admin, [props.admin.password]);
    try {
      const { rows } = await client.query<{ setconfig: string[] | null }>(READ_ROLE_SETTING, [
        props.role,
        props.database ?? null,
      ]);
      const text = settingFrom(rows[0]?.setconfig ?? null, props.setting);
      // RESET by hand: gone. Changed by hand: the value the server has (the next `up` shows the diff).
      if (text === undefined) return {};
      const parsed = parseDuration(/^\d+$/.test(text) ? Number(text) : text);
      return { id, props: { ...props, value: parsed.ok ? parsed.ms : text } };
    } finally {
      await client.end();
    }
  },
};

async function applySetting(target: RoleSettingInputs, value: number | undefined): Promise<void> {
  if (value !== undefined) {
    const problem = roleSettingProblem(target.setting, value);
    if (problem) throw new Error(problem);
  }
  const { escapeIdentifier } = require("pg") as typeof import("pg");
  const { client } = await connectAdmin(target.admin, [target.admin.password]);
  try {
    await client.query(
      roleSettingStatement(escapeIdentifier, {
        role: target.role,
        database: target.database,
        setting: target.setting,
        value,
      }),
    );
  } finally {
    await client.end();
  }
}

/** One role setting in PostgreSQL, owned by this stack. */
export class RoleSetting extends pulumi.dynamic.Resource {
  declare readonly role: pulumi.Output<string>;
  declare readonly setting: pulumi.Output<string>;
  declare readonly value: pulumi.Output<number>;

  constructor(name: string, args: RoleSettingArgs, opts?: pulumi.CustomResourceOptions) {
    const problem = roleSettingProblem(args.setting, args.value);
    if (problem) throw new Error(`RoleSetting ${name}: ${problem}`);
    super(
      roleSettingProvider,
      name,
      {
        fleetdbKind: FLEETDB_KINDS.roleSetting,
        role: args.role,
        database: args.database,
        setting: args.setting,
        value: args.value,
        admin: pulumi.secret(args.admin),
      },
      { ...opts, deleteBeforeReplace: true },
    );
  }
}
