// The stack's configuration: one zod schema for every `fleetdb:` key, judged value by value.
// Rules across resources (the connection budget, public exposure) belong to the policy pack.
import { isIP } from "node:net";
import { z } from "zod";
import { parseDuration } from "./durations";
import { identifierProblem } from "./identifiers";
import { ALTERNATING_SUFFIXES, alternatingShares, generationOf } from "../loginIdentities";
import { PROVIDER_MANAGED_SETTINGS, ROLE_SETTING_NAMES, type RoleSettingName } from "../roleSettingNames";
import { auditReferenceProblems, auditSchema } from "./auditSchema";

/** PostgreSQL majors the Timescale image is built for. */
export const SUPPORTED_MAJORS = [15, 16, 17, 18] as const;

export {
  FLEETDB_MANAGED_SETTINGS,
  PROVIDER_MANAGED_SETTINGS,
  ROLE_SETTING_NAMES,
  type RoleSettingName,
} from "../roleSettingNames";

/** Settings a login role must declare (0 allowed: "no per-role value"). */
export const REQUIRED_LOGIN_SETTINGS: readonly RoleSettingName[] = [
  "statement_timeout",
  "idle_in_transaction_session_timeout",
];

const port = z.number().int().min(1).max(65535);
const count = z.number().int().min(0);
const name = z.string();

/** A timeout in config (ms as a number, or a string with a PostgreSQL unit), parsed to milliseconds. */
const duration = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const parsed = parseDuration(value);
  if (!parsed.ok) {
    ctx.addIssue({ code: "custom", message: `${parsed.problem}; got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return parsed.ms;
});

const ipAddress = z.string().refine((value) => isIP(value) !== 0, {
  error: (issue) => `expected an IPv4 or IPv6 address such as 127.0.0.1 or ::1, got ${JSON.stringify(issue.input)}`,
});

/** The Timescale container this stack runs (mode "embedded"); a later "external" mode joins the union. */
const embeddedServer = z
  .strictObject({
    /** Only "embedded": fleetdb runs the container itself. */
    mode: z.literal("embedded"),
    /** Image with an explicit version tag, e.g. timescale/timescaledb:2.17.2-pg16, optionally @sha256:<digest>. */
    image: z.string(),
    /** The PostgreSQL major version the image runs; decides PGDATA's path. */
    postgresMajorVersion: z.union(SUPPORTED_MAJORS.map((major) => z.literal(major))),
    /** Host address the port is published on. Default 127.0.0.1 (loopback only). */
    bindAddress: ipAddress.default("127.0.0.1"),
    /** Host port mapped to the container's 5432. Default 5433. */
    hostPort: port.default(5433),
    /** Server max_connections, pinned in the command. Default 100. */
    maxConnections: z.number().int().min(1).max(262_143).default(100),
    /** Slots only superusers may take. Default 3. */
    superuserReservedConnections: count.default(3),
    /** PG16+ slots for pg_use_reserved_connections members. Default 0. */
    reservedConnections: count.default(0),
    /** Name of the docker volume holding PGDATA; set it to adopt an existing named volume. Default timescaledb-pg<major>-data. */
    dataVolume: z
      .string()
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, "expected a docker volume name")
      .optional(),
    /** Container name. Default timescaledb. */
    containerName: z
      .string()
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, "expected a docker container name")
      .default("timescaledb"),
    /** Docker network the services share with the server. Default fleetdb. */
    network: z
      .string()
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, "expected a docker network name")
      .default("fleetdb"),
    /** Host name the services use for the server on that network. Default timescale_db. */
    networkAlias: z
      .string()
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, "expected a host name")
      .default("timescale_db"),
    /** Seconds docker waits for a clean shutdown before SIGKILL. Default 120, at least 60. */
    stopGraceSeconds: z.number().int().min(60).default(120),
  })
  .superRefine((server, ctx) => {
    const imageProblem = checkImage(server.image, server.postgresMajorVersion);
    if (imageProblem) ctx.addIssue({ code: "custom", path: ["image"], message: imageProblem });
    const reserved = server.superuserReservedConnections + server.reservedConnections;
    if (reserved >= server.maxConnections) {
      ctx.addIssue({
        code: "custom",
        path: ["superuserReservedConnections"],
        message: `superuserReservedConnections + reservedConnections (${reserved}) must be less than maxConnections (${server.maxConnections}); PostgreSQL refuses to start otherwise`,
      });
    }
    if (server.postgresMajorVersion < 16 && server.reservedConnections !== 0) {
      ctx.addIssue({
        code: "custom",
        path: ["reservedConnections"],
        message: `reserved_connections exists from PostgreSQL 16; expected 0 for postgresMajorVersion ${server.postgresMajorVersion}`,
      });
    }
  })
  .transform((server) => ({
    ...server,
    dataVolume: server.dataVolume ?? `timescaledb-pg${server.postgresMajorVersion}-data`,
  }));

const server = z.discriminatedUnion("mode", [embeddedServer], {
  error: (issue) =>
    issue.code === "invalid_union"
      ? `expected mode: embedded (fleetdb runs the container; the only mode so far), got ${JSON.stringify((issue.input as { mode?: unknown })?.mode)}`
      : undefined,
});

const admin = z.strictObject({
  /** Admin host for the postgresql provider. Unset: the provider reads PGHOST at run time. */
  host: z.string().min(1).optional(),
  /** Admin port. Unset: the provider reads PGPORT at run time. */
  port: port.optional(),
  /** Maintenance database the provider connects to. Default postgres. */
  database: z.string().default("postgres"),
  /** Superuser the provider logs in as. Default postgres. */
  username: z.string().default("postgres"),
  /** libpq sslmode, always explicit: disable (loopback or SSH tunnel), require, verify-ca, verify-full. */
  sslmode: z.enum(["disable", "require", "verify-ca", "verify-full"]),
  /** Seconds to wait for a connection before failing. Default 15. */
  connectTimeoutSeconds: z.number().int().min(1).max(600).default(15),
});

const unmanagedConsumer = z.strictObject({
  /** Connection slots this consumer may hold at once. */
  slots: count,
  /** The existing role it logs in as, when it is a role (granted CONNECT on `databases`). */
  role: name.optional(),
  /** Databases it connects to; `postgres` is allowed. */
  databases: z.array(name).default([]),
  /** What it is, for the budget table. */
  description: z.string().optional(),
});

const budget = z.strictObject({
  /** The postgresql provider's pool size per database (its maxConnections); at least 1. */
  deployerMaxConnections: z.number().int().min(1).max(20),
  /** Consumers this stack does not manage that still take slots, keyed by name. */
  unmanaged: z.record(name, unmanagedConsumer).default({}),
});

const database = z.strictObject({
  /** The role that owns this database's schemas and everything in them, and holds CREATE on it. */
  owner: name,
  /** Schemas created in it, owned by `owner`. */
  schemas: z.array(name).min(1),
  /** Extensions to create in it (a provider-created database comes from template0 and has none). */
  extensions: z.array(z.string().regex(/^[a-z_][a-z0-9_]*$/, "expected an extension name")).default([]),
});

const roleSettings = z.strictObject(
  Object.fromEntries(ROLE_SETTING_NAMES.map((setting) => [setting, duration.optional()])) as Record<
    RoleSettingName,
    z.ZodOptional<typeof duration>
  >,
);

const role = z.strictObject({
  /** true: a login role services connect as; false: a NOLOGIN group. */
  login: z.boolean(),
  /** The one database this role works in. */
  database: name,
  /** owner: owns the database's schemas; readwrite / read: privileges on all its schemas. */
  access: z.enum(["owner", "readwrite", "read"]).optional(),
  /** Groups this login role belongs to (it gets its access through them). */
  memberOf: z.array(name).default([]),
  /** CONNECTION LIMIT of a login role; 0 for a login that only runs background jobs. */
  connectionLimit: z.number().int().min(-1).optional(),
  /** Session defaults set with ALTER ROLE … SET. */
  settings: roleSettings.default({}),
  /** Services that connect as this role. */
  services: z.array(name).default([]),
  /** Session defaults for this role in one database only (ALTER ROLE … IN DATABASE … SET), keyed by database. */
  databaseSettings: z.record(name, roleSettings).default({}),
  /** single: the password rotates in place; alternating: two logins (<role>_a, <role>_b) take turns. */
  rotation: z.enum(["single", "alternating"]).default("single"),
});

const service = z.strictObject({
  /** The service's client pool size (connections it may hold). */
  poolSize: z.number().int().min(1),
  /** Host in its DATABASE_URL. Default: the server's networkAlias. */
  host: z.string().min(1).optional(),
  /** Port in its DATABASE_URL. Default 5432 (the container port, reached over the docker network). */
  port: port.optional(),
});

const stackConfigShape = z.strictObject({
  server,
  /** The current superuser password of an existing data volume (a secret). Unset: a generated one. */
  superuserPassword: z.string().min(1).optional(),
  admin,
  budget,
  databases: z.record(name, database),
  roles: z.record(name, role),
  services: z.record(name, service).default({}),
  /** Changing it replaces every app role's generated password (a whole number when a role alternates). */
  passwordRotation: z.string().min(1),
  /** Changing it rotates the superuser's password (unset: the superuser keeps the password it has). */
  superuserPasswordRotation: z.string().min(1).optional(),
  /** The live audit: an optional auditor login and session match rules (src/config/auditSchema.ts). */
  audit: auditSchema,
});

/** The whole `fleetdb:` namespace: each value's type and range, then the references between them. */
export const stackConfigSchema = stackConfigShape.superRefine((config, ctx) => checkReferences(config, ctx));

export type StackConfig = z.output<typeof stackConfigSchema>;
export type ServerConfig = StackConfig["server"];
export type RoleConfig = StackConfig["roles"][string];
export type DatabaseConfig = StackConfig["databases"][string];
export type ServiceConfig = StackConfig["services"][string];
export type RoleSettings = RoleConfig["settings"];

type Issue = { path: (string | number)[]; message: string };

/** The checks that relate one value to another: names, references, limits, pools. */
function checkReferences(config: StackConfig, ctx: z.RefinementCtx): void {
  const issues: Issue[] = [];
  const report = (path: Issue["path"], message: string) => issues.push({ path, message });
  const names = (section: Issue["path"], keys: string[]) => {
    for (const key of keys) {
      const problem = identifierProblem(key);
      if (problem) report([...section, key], `invalid name "${key}": ${problem}`);
    }
  };
  names(["databases"], Object.keys(config.databases));
  names(["roles"], Object.keys(config.roles));
  names(["services"], Object.keys(config.services));
  names(["budget", "unmanaged"], Object.keys(config.budget.unmanaged));

  for (const [dbName, db] of Object.entries(config.databases)) {
    db.schemas.forEach((schema, index) => {
      const problem = identifierProblem(schema);
      if (problem) report(["databases", dbName, "schemas", index], `invalid schema name "${schema}": ${problem}`);
    });
    const owner = config.roles[db.owner];
    if (!owner) {
      report(
        ["databases", dbName, "owner"],
        `owner "${db.owner}" is not a declared role (declared: ${list(Object.keys(config.roles))})`,
      );
    } else if (owner.access !== "owner" || owner.database !== dbName) {
      report(
        ["databases", dbName, "owner"],
        `owner "${db.owner}" must be declared with access: owner and database: ${dbName}`,
      );
    }
  }

  const serviceOwners = new Map<string, string>();
  for (const [roleName, r] of Object.entries(config.roles)) {
    const at = (...path: Issue["path"]) => ["roles", roleName, ...path];
    if (!config.databases[r.database]) {
      report(
        at("database"),
        `database "${r.database}" is not declared (declared: ${list(Object.keys(config.databases))})`,
      );
    }
    if (r.access === "owner" && config.databases[r.database] && config.databases[r.database]!.owner !== roleName) {
      report(
        at("access"),
        `access: owner requires databases.${r.database}.owner to be "${roleName}" (it is "${config.databases[r.database]!.owner}")`,
      );
    }
    if (r.login) checkLoginRole(config, roleName, r, at, report, serviceOwners);
    else checkGroupRole(r, at, report);
  }
  for (const serviceName of Object.keys(config.services)) {
    if (!serviceOwners.has(serviceName)) {
      report(["services", serviceName], `service "${serviceName}" is not listed by any role's services`);
    }
  }

  for (const [consumerName, consumer] of Object.entries(config.budget.unmanaged)) {
    const at = (...path: Issue["path"]) => ["budget", "unmanaged", consumerName, ...path];
    if (consumer.role !== undefined) {
      const problem = identifierProblem(consumer.role);
      if (problem) report(at("role"), `invalid role name "${consumer.role}": ${problem}`);
      else if (config.roles[consumer.role])
        report(at("role"), `"${consumer.role}" is a role this stack manages; budget it under roles, not unmanaged`);
    }
    consumer.databases.forEach((db, index) => {
      if (db !== "postgres" && !config.databases[db]) {
        report(
          at("databases", index),
          `database "${db}" is not declared (declared: ${list(["postgres", ...Object.keys(config.databases)])})`,
        );
      }
    });
    if (consumer.databases.length > 0 && consumer.role === undefined) {
      report(at("databases"), "databases are granted CONNECT through a role: set role, or drop databases");
    }
  }

  issues.push(...auditReferenceProblems(config));
  for (const issue of issues) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
}

function checkLoginRole(
  config: StackConfig,
  roleName: string,
  r: RoleConfig,
  at: (...path: Issue["path"]) => Issue["path"],
  report: (path: Issue["path"], message: string) => void,
  serviceOwners: Map<string, string>,
): void {
  if (r.connectionLimit === undefined || r.connectionLimit < 0) {
    report(
      at("connectionLimit"),
      `a login role needs a hard CONNECTION LIMIT: expected an integer >= 0 (0 for a login that only runs background jobs), got ${r.connectionLimit ?? "nothing"}`,
    );
  }
  for (const setting of REQUIRED_LOGIN_SETTINGS) {
    if (r.settings[setting] === undefined) {
      report(
        at("settings", setting),
        `a login role must declare ${setting} (0 means no per-role value: the database or server default applies)`,
      );
    }
  }
  r.memberOf.forEach((groupName, index) => {
    const group = config.roles[groupName];
    if (!group) report(at("memberOf", index), `"${groupName}" is not a declared role`);
    else if (group.login)
      report(at("memberOf", index), `"${groupName}" is a login role; memberOf takes groups (login: false)`);
    else if (group.database !== r.database) {
      report(
        at("memberOf", index),
        `group "${groupName}" works in ${group.database}, this role in ${r.database}; expected a group of the same database`,
      );
    }
  });
  if (r.access === undefined && r.memberOf.length === 0) {
    report(at("access"), "a login role needs access (owner / readwrite / read) or memberOf a group that has it");
  }
  let pools = 0;
  r.services.forEach((serviceName, index) => {
    const service = config.services[serviceName];
    if (!service) {
      report(
        at("services", index),
        `service "${serviceName}" is not declared under services (declared: ${list(Object.keys(config.services))})`,
      );
      return;
    }
    const previous = serviceOwners.get(serviceName);
    if (previous) report(at("services", index), `service "${serviceName}" is already listed by role ${previous}`);
    serviceOwners.set(serviceName, roleName);
    pools += service.poolSize;
  });
  if (r.connectionLimit !== undefined && r.connectionLimit >= 0) {
    // Alternating: the services connect as one login at a time, which holds the smaller half of the limit.
    const share = r.rotation === "alternating" ? alternatingShares(r.connectionLimit)[1] : r.connectionLimit;
    if (pools > share) {
      report(
        at("services"),
        r.rotation === "alternating"
          ? `the pool sizes of ${r.services.join(", ")} add up to ${pools}, over one alternating login's share ${share} (connectionLimit ${r.connectionLimit} split in two): lower a poolSize or raise the limit`
          : `the pool sizes of ${r.services.join(", ")} add up to ${pools}, over the role's connectionLimit ${r.connectionLimit}: lower a poolSize or raise the limit`,
      );
    }
  }
  for (const [database, settings] of Object.entries(r.databaseSettings)) {
    if (!config.databases[database]) {
      report(
        at("databaseSettings", database),
        `database "${database}" is not declared (declared: ${list(Object.keys(config.databases))})`,
      );
    }
    for (const setting of PROVIDER_MANAGED_SETTINGS) {
      if (settings[setting] !== undefined) {
        report(
          at("databaseSettings", database, setting),
          `${setting} is managed by postgresql.Role at role level; an IN DATABASE value would override it there: set it under settings`,
        );
      }
    }
  }
  if (r.rotation === "alternating") {
    for (const suffix of ALTERNATING_SUFFIXES) {
      const login = `${roleName}${suffix}`;
      if (login.length > 63)
        report(
          at("rotation"),
          `alternating logins are named ${roleName}_a and ${roleName}_b: the role name must be at most 61 characters`,
        );
      else if (config.roles[login])
        report(
          at("rotation"),
          `alternating logins are named ${roleName}_a and ${roleName}_b, but ${login} is already a declared role`,
        );
    }
    if (r.connectionLimit !== undefined && r.connectionLimit >= 0 && r.connectionLimit < 2 && r.services.length > 0) {
      report(
        at("connectionLimit"),
        `an alternating role splits its limit between two logins: expected at least 2, got ${r.connectionLimit}`,
      );
    }
    if (generationOf(config.passwordRotation) === undefined) {
      report(
        ["passwordRotation"],
        `role ${roleName} alternates its logins, so the marker is a generation: expected a whole number, got "${config.passwordRotation}"`,
      );
    }
  }
}

function checkGroupRole(
  r: RoleConfig,
  at: (...path: Issue["path"]) => Issue["path"],
  report: (path: Issue["path"], message: string) => void,
): void {
  if (r.connectionLimit !== undefined)
    report(at("connectionLimit"), "a group (login: false) takes no connectionLimit: it opens no sessions");
  const declared = ROLE_SETTING_NAMES.filter((setting) => r.settings[setting] !== undefined);
  if (declared.length > 0) {
    report(
      at("settings"),
      `a group (login: false) takes no settings: PostgreSQL applies role settings at login only, never on SET ROLE (got ${declared.join(", ")})`,
    );
  }
  if (r.services.length > 0)
    report(at("services"), "a group (login: false) takes no services: services connect as login roles");
  if (r.memberOf.length > 0)
    report(at("memberOf"), "groups do not nest in fleetdb: list the groups on each login role");
  if (Object.keys(r.databaseSettings).length > 0)
    report(
      at("databaseSettings"),
      "a group (login: false) takes no settings: PostgreSQL applies role settings at login only",
    );
  if (r.rotation !== "single") report(at("rotation"), "a group (login: false) has no password to rotate");
  if (r.access === undefined) report(at("access"), "a group needs access: owner, readwrite or read");
}

/** Why an image reference is not pinned to a version of the configured major, or undefined. */
export function checkImage(image: string, major: number): string | undefined {
  const match =
    /^([a-z0-9]+(?:[._/-][a-z0-9]+)*)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(@sha256:[0-9a-f]{64})?$/.exec(image);
  if (!match)
    return `expected an image reference such as timescale/timescaledb:2.17.2-pg${major}[@sha256:<digest>], got "${image}"`;
  const tag = match[2];
  if (!tag)
    return `expected an explicit version tag such as timescale/timescaledb:2.17.2-pg${major}, got "${image}" (no tag means latest)`;
  if (!/\d+\.\d+/.test(tag) || /latest/.test(tag)) {
    return `expected an explicit version tag such as 2.17.2-pg${major}, got the moving tag "${tag}"`;
  }
  const pg = /(?:^|-)pg(\d+)/.exec(tag);
  if (pg && Number(pg[1]) !== major) {
    return `the tag "${tag}" runs PostgreSQL ${pg[1]} but postgresMajorVersion is ${major}`;
  }
  return undefined;
}

function list(values: string[]): string {
  return values.length === 0 ? "none" : values.join(", ");
}
