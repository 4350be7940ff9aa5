// setting-drift: pg_db_role_setting rows of declared roles against the settings the stack declares, both ways.
import { escapeIdentifier, escapeLiteral } from "pg";
import { formatDuration, parseDuration } from "../config/durations";
import { ROLE_SETTING_NAMES } from "../../policies/core/roleSettingNames";
import type { DeclaredModel } from "./declared";
import { finding, type Finding } from "./findings";
import type { LiveCatalog } from "./liveCatalog";

const TIME_SETTINGS: readonly string[] = ROLE_SETTING_NAMES;

/** A setting's value in a comparable form: time settings in ms (the server keeps "30s" as typed), others as text. */
export function normalizeSetting(setting: string, value: string): string {
  if (!TIME_SETTINGS.includes(setting)) return value;
  const parsed = parseDuration(/^\d+$/.test(value) ? Number(value) : value);
  return parsed.ok ? String(parsed.ms) : value;
}

function shown(setting: string, value: string): string {
  return TIME_SETTINGS.includes(setting) && /^\d+$/.test(value)
    ? `${setting} = ${formatDuration(Number(value))}`
    : `${setting} = ${value}`;
}

export function settingChecks(model: DeclaredModel, live: LiveCatalog): Finding[] {
  const key = (role: string, database: string | null | undefined, setting: string) =>
    JSON.stringify([role, database ?? null, setting]);
  const declared = new Map(
    model.settings.map((item) => [
      key(item.role, item.database, item.setting),
      normalizeSetting(item.setting, item.value),
    ]),
  );
  const actual = new Map<string, string>();
  for (const row of live.settings) {
    if (!model.roles.has(row.role)) continue;
    for (const entry of row.setconfig) {
      const at = entry.indexOf("=");
      const setting = entry.slice(0, at);
      actual.set(key(row.role, row.database, setting), normalizeSetting(setting, entry.slice(at + 1)));
    }
  }
  const liveRoles = new Set(live.roles.map((role) => role.name));
  const findings: Finding[] = [];
  for (const id of new Set([...declared.keys(), ...actual.keys()])) {
    const [role, database, setting] = JSON.parse(id) as [string, string | null, string];
    // A missing role is role-drift already; its settings cannot exist without it.
    if (!liveRoles.has(role)) continue;
    const want = declared.get(id);
    const have = actual.get(id);
    if (want === have) continue;
    const scope = `ALTER ROLE ${escapeIdentifier(role)}${database ? ` IN DATABASE ${escapeIdentifier(database)}` : ""}`;
    findings.push(
      finding("setting-drift", {
        object: `role ${role}${database ? ` in database ${database}` : ""}`,
        live: have === undefined ? `${setting} not set` : shown(setting, have),
        declared: want === undefined ? `${setting} not set` : shown(setting, want),
        fix:
          want === undefined
            ? `${scope} RESET ${escapeIdentifier(setting)}`
            : `${scope} SET ${escapeIdentifier(setting)} = ${/^\d+$/.test(want) ? want : escapeLiteral(want)}`,
      }),
    );
  }
  return findings;
}
