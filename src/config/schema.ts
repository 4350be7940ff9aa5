// The stack's configuration: every `fleetdb:` key's shape (sections/), then the rules across keys (references).
import { z } from "zod";
import { checkReferences } from "./references";
import { admin } from "./sections/admin";
import { audit } from "./sections/audit";
import { budget } from "./sections/budget";
import { databases } from "./sections/databases";
import { handover } from "./sections/handover";
import { pooler } from "./sections/pooler";
import { roles } from "./sections/roles";
import { externalStackKeys } from "./sections/externalStack";
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
    /** The live audit: an optional auditor login and session match rules. */
    audit,
    /** An opt-in session-mode PgBouncer and the services that connect through it (docs/pooler.md). */
    pooler,
  },
  { error: expecting("a mapping") },
);

/** Mode external: the admin login's own password instead of the superuser's, the endpoint in fleetdb:server. */
const externalStackShape = stackConfigShape.extend(externalStackKeys);

/** The whole `fleetdb:` namespace: each value's type and range, then the references between them. */
export const stackConfigSchema = stackConfigShape.superRefine((config, ctx) => checkReferences(config, ctx));
const externalStackSchema = externalStackShape.superRefine((config, ctx) => checkReferences(config, ctx));

/** The schema for these values: the external one when `server.mode` says so, else the embedded (default) one. */
export function stackConfigSchemaFor(values: unknown): typeof stackConfigSchema | typeof externalStackSchema {
  const mode = (values as { server?: { mode?: unknown } } | undefined)?.server?.mode;
  return mode === "external" ? externalStackSchema : stackConfigSchema;
}

export type StackShape = z.output<typeof stackConfigShape> | z.output<typeof externalStackShape>;
type ServerUnion = z.output<typeof stackConfigShape>["server"];
/** The embedded server (the container's settings). */
export type ServerConfig = Extract<ServerUnion, { mode: "embedded" }>;
/** The external server (endpoint, TLS, declared slots). */
export type ExternalServerConfig = Extract<ServerUnion, { mode: "external" }>;
export type EmbeddedStackConfig = Omit<z.output<typeof stackConfigSchema>, "server"> & { server: ServerConfig };
export type ExternalStackConfig = Omit<z.output<typeof externalStackSchema>, "server"> & {
  server: ExternalServerConfig;
};
/** A validated stack: embedded (the default) or external, told apart by `server.mode` (see isExternal). */
export type StackConfig = EmbeddedStackConfig | ExternalStackConfig;
export type RoleConfig = StackConfig["roles"][string];
export type DatabaseConfig = StackConfig["databases"][string];
/** A role's session settings by name (statement_timeout: "30s"), as the config declares them. */
export type SettingValues = RoleConfig["settings"];

export type Issue = { path: (string | number)[]; message: string };

/** Whether the stack runs against a server it does not run (mode external). */
export function isExternal(config: StackConfig): config is ExternalStackConfig {
  return config.server.mode === "external";
}
