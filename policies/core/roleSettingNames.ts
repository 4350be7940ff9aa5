// Which per-role settings fleetdb manages, and who applies each. No imports: the RoleSetting provider's
// serialized code carries this module by value.

/** Per-role settings fleetdb manages; keys are the GUC names (all `user` context, base unit ms). */
export const ROLE_SETTING_NAMES = [
  "statement_timeout",
  "lock_timeout",
  "idle_in_transaction_session_timeout",
  "idle_session_timeout",
] as const;
export type RoleSettingName = (typeof ROLE_SETTING_NAMES)[number];

/** Settings postgresql.Role owns, with its input for each: 0 there means RESET. */
export const PROVIDER_SETTING_INPUTS = {
  statement_timeout: "statementTimeout",
  idle_in_transaction_session_timeout: "idleInTransactionSessionTimeout",
} as const satisfies Partial<Record<RoleSettingName, string>>;

export type ProviderManagedSetting = keyof typeof PROVIDER_SETTING_INPUTS;

/** Settings postgresql.Role owns (the keys above). */
export const PROVIDER_MANAGED_SETTINGS = Object.keys(PROVIDER_SETTING_INPUTS) as ProviderManagedSetting[];

/** Settings fleetdb's own RoleSetting resource applies (`ALTER ROLE … [IN DATABASE …] SET`): 0 is a value, "off". */
export const FLEETDB_MANAGED_SETTINGS = [
  "lock_timeout",
  "idle_session_timeout",
] as const satisfies readonly RoleSettingName[];
export type FleetdbManagedSetting = (typeof FLEETDB_MANAGED_SETTINGS)[number];
