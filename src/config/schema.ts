// The stack's configuration: every `fleetdb:` key's shape (sections/), then the rules across keys (references).
import { z } from "zod";
import { auditSchema } from "./auditSchema";
import { checkReferences } from "./references";
import { admin } from "./sections/admin";
import { budget } from "./sections/budget";
import { databases } from "./sections/databases";
import { handover } from "./sections/handover";
import { pooler } from "./sections/pooler";
import { roles } from "./sections/roles";
import { server } from "./sections/server";
import { services } from "./sections/services";
import { expecting, marker } from "./values";

export { SUPPORTED_MAJORS } from "./sections/server";
export { REQUIRED_LOGIN_SETTINGS } from "./roleRules";
export {
  FLEETDB_MANAGED_SETTINGS,
  PROVIDER_MANAGED_SETTINGS,
  ROLE_SETTING_NAMES,
  type RoleSettingName,
} from "../../policies/core/roleSettingNames";

const stackConfigShape = z.strictObject(
  {
    server,
    /** The current superuser password of an existing data volume (a secret, checked as one by the loaders). */
    superuserPassword: z
      .string({ error: expecting("a secret") })
      .min(1, { error: "is empty: expected a secret" })
      .optional(),
    admin,
    budget,
    databases,
    roles,
    services,
    /** What `npm run handover` moves besides superusers' objects, and what it leaves alone. */
    handover: handover.optional(),
    /** Changing it replaces every app role's generated password (a whole number when a role alternates). */
    passwordRotation: marker,
    /** Changing it rotates the superuser's password (unset: the superuser keeps the password it has). */
    superuserPasswordRotation: marker.optional(),
    /** The live audit: an optional auditor login and session match rules (src/config/auditSchema.ts). */
    audit: auditSchema,
    /** An opt-in session-mode PgBouncer and the services that connect through it (docs/pooler.md). */
    pooler,
  },
  { error: expecting("a mapping") },
);

/** The whole `fleetdb:` namespace: each value's type and range, then the references between them. */
export const stackConfigSchema = stackConfigShape.superRefine((config, ctx) => checkReferences(config, ctx));

export type StackShape = z.output<typeof stackConfigShape>;
export type StackConfig = z.output<typeof stackConfigSchema>;
export type ServerConfig = StackConfig["server"];
export type RoleConfig = StackConfig["roles"][string];
export type DatabaseConfig = StackConfig["databases"][string];
export type RoleSettings = RoleConfig["settings"];

export type Issue = { path: (string | number)[]; message: string };
