// ALTER ROLE … [IN DATABASE …] SET/RESET for fleetdb's own role settings. No imports: the dynamic
// provider's code is serialized, so quoting comes in as an argument (pg's escapeIdentifier).

/** What a role setting is: the role, optionally one database, the GUC and its value in ms (undefined: RESET). */
export interface RoleSettingTarget {
  role: string;
  database?: string;
  setting: string;
  value?: number;
}

export type QuoteIdentifier = (name: string) => string;

/** `ALTER ROLE "r" [IN DATABASE "d"] SET "lock_timeout" = 5000`, or `… RESET "lock_timeout"`. 0 is a value ("off"), not a reset. */
export function roleSettingStatement(quote: QuoteIdentifier, target: RoleSettingTarget): string {
  const scope = `ALTER ROLE ${quote(target.role)}${target.database ? ` IN DATABASE ${quote(target.database)}` : ""}`;
  if (target.value === undefined) return `${scope} RESET ${quote(target.setting)}`;
  if (!Number.isInteger(target.value) || target.value < 0)
    throw new Error(`role setting ${target.setting}: expected a whole number of ms, got ${target.value}`);
  return `${scope} SET ${quote(target.setting)} = ${target.value}`;
}

/** The stored value of a role setting: setconfig holds `name=value` entries exactly as they were set (a dropped database matches nothing). */
export const READ_ROLE_SETTING = `
  SELECT s.setconfig
  FROM pg_catalog.pg_db_role_setting s
  JOIN pg_catalog.pg_roles r ON r.oid = s.setrole
  WHERE r.rolname = $1
    AND s.setdatabase = CASE WHEN $2::text IS NULL THEN 0 ELSE (SELECT oid FROM pg_catalog.pg_database WHERE datname = $2) END`;

/** The `value` text of `setting` in a setconfig array, or undefined when it is not set. */
export function settingFrom(setconfig: readonly string[] | null, setting: string): string | undefined {
  const entry = (setconfig ?? []).find((item) => item.startsWith(`${setting}=`));
  return entry === undefined ? undefined : entry.slice(setting.length + 1);
}
