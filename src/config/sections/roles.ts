// fleetdb:roles: login roles and NOLOGIN groups, their access, limits, session defaults and rotation.
import { z } from "zod";
import { ROLE_SETTING_NAMES, type RoleSettingName } from "../../roleSettingNames";
import { duration, expecting, integer, name, shown, uniqueList } from "../values";

const roleSettings = z.strictObject(
  Object.fromEntries(ROLE_SETTING_NAMES.map((setting) => [setting, duration.optional()])) as Record<
    RoleSettingName,
    z.ZodOptional<typeof duration>
  >,
  { error: expecting(`a mapping of ${ROLE_SETTING_NAMES.join(", ")}`) },
);

function oneOf<const T extends readonly string[]>(values: T) {
  return z.enum(values, { error: (issue) => `expected ${values.join(", ")}, got ${shown(issue.input)}` });
}

export const role = z.strictObject(
  {
    /** true: a login role services connect as; false: a NOLOGIN group. */
    login: z.boolean({
      error: (issue) =>
        issue.input === undefined
          ? "required: expected true or false"
          : `expected true or false, got ${shown(issue.input)}`,
    }),
    /** The one database this role works in. */
    database: name,
    /** owner: owns the database's schemas; readwrite / read: privileges on all its schemas. */
    access: oneOf(["owner", "readwrite", "read"]).optional(),
    /** Groups this login role belongs to (it gets its access through them). */
    memberOf: uniqueList(name, "groups").default([]),
    /** CONNECTION LIMIT of a login role (0 for a login that only runs background jobs); -1 (none) is refused. */
    connectionLimit: integer(-1, 262_143, "an integer >= 0").optional(),
    /** Session defaults set with ALTER ROLE … SET. */
    settings: roleSettings.default({}),
    /** Services that connect as this role. */
    services: uniqueList(name, "services").default([]),
    /** Session defaults for this role in one database only (ALTER ROLE … IN DATABASE … SET), keyed by database. */
    databaseSettings: z.record(name, roleSettings, { error: expecting("a mapping of databases") }).default({}),
    /** single: the password rotates in place; alternating: two logins (<role>_a, <role>_b) take turns. */
    rotation: oneOf(["single", "alternating"]).default("single"),
  },
  { error: expecting("a mapping with login and database") },
);

export const roles = z.record(name, role, { error: expecting("a mapping of roles") });
