// The fleetdb stack: reads and validates config, composes the components, exports what services need.
import * as pulumi from "@pulumi/pulumi";
import {
  AdminConnection,
  AdminCredential,
  AppDatabase,
  AppRole,
  AuditorLogin,
  DatabaseAccess,
  GroupRole,
  PgBouncer,
  PoolerLogin,
  RoleSettings,
  SchemaPrivileges,
  ExternalServer,
  TimescaleServer,
} from "./components";
import { SerialLanes } from "./resources/serialLanes";
import { loadStackConfig } from "./src/config/fromPulumi";
import { PGBOUNCER_PORT } from "./policies/core/pooler";
import { isExternal, type EmbeddedStackConfig } from "./src/config/schema";
import { databaseUrl } from "./src/databaseUrl";
import { auditorEndpoint, serviceEndpoint } from "./src/endpoints";
import { poolerPlan } from "./src/pooler/poolerPlan";
import { roleLayout } from "./src/loginIdentities";
import { databaseGrants } from "./src/privilegeMatrix";
import { stackBudget, unmanagedConsumers } from "./src/stackBudget";

// Validation throws (naming every bad key) before a single resource is declared.
const { config, superuserPassword, adminPassword } = loadStackConfig();

/** Embedded: the superuser's credential, the container, the superuser's password on it, the provider. */
function embeddedServer(embedded: EmbeddedStackConfig): { admin: AdminConnection; server: TimescaleServer } {
  const credential = new AdminCredential("superuser", {
    configuredPassword: superuserPassword,
    rotationMarker: embedded.superuserPasswordRotation,
  });
  const server = new TimescaleServer("timescale", { server: embedded.server, superuserPassword: credential.password });
  const admin = new AdminConnection("admin", {
    admin: embedded.admin,
    password: credential.password,
    verifier: credential.verifier,
    bootstrapPassword: credential.bootstrapPassword,
    maxConnections: embedded.budget.deployerMaxConnections,
    postgresMajorVersion: embedded.server.postgresMajorVersion,
    dependsOn: [server],
  });
  return { admin, server };
}
// External (docs/external-mode.md): no container, no superuser; the provider logs in as the platform's admin.
const { admin, server } = isExternal(config)
  ? {
      admin: new ExternalServer("external", {
        server: config.server,
        admin: config.admin,
        password: adminPassword!,
        rotationMarker: config.adminPasswordRotation,
        maxConnections: config.budget.deployerMaxConnections,
      }),
      server: undefined,
    }
  : embeddedServer(config);
const provider = admin.provider;
const lanes = new SerialLanes();

const roleEntries = Object.entries(config.roles);
const groups = new Map(
  roleEntries
    .filter(([, role]) => !role.login)
    .map(([name, role]) => [name, new GroupRole(name, { provider, owner: role.access === "owner" })] as const),
);
const layouts = new Map(
  roleEntries
    .filter(([, role]) => role.login)
    .map(([name, role]) => [name, roleLayout(name, role, config.passwordRotation)]),
);
const logins = new Map(
  [...layouts].map(([name, layout]) => {
    const role = config.roles[name];
    const memberOf = role.memberOf.map((group) => groups.get(group)!.role);
    return [name, new AppRole(name, { role, layout, provider, groups: memberOf })] as const;
  }),
);
// The optional login the scheduled audit runs as (docs/audit.md); after the app roles, as the budget lists it.
const auditor = config.audit.auditor
  ? new AuditorLogin(
      "auditor",
      { auditor: config.audit.auditor, rotationMarker: config.passwordRotation, provider },
      { dependsOn: [...groups.values(), ...logins.values()].map((component) => component.role) },
    )
  : undefined;
const roleResource = (name: string) => (groups.get(name) ?? logins.get(name))!.role;

const databases = new Map(
  Object.entries(config.databases).map(([name, database]) => [
    name,
    new AppDatabase(name, { database, provider, owner: roleResource(database.owner) }),
  ]),
);

for (const [roleName, role] of roleEntries) {
  if (role.access !== "read" && role.access !== "readwrite") continue;
  const database = config.databases[role.database];
  new SchemaPrivileges(`${roleName}-privileges`, {
    role: roleName,
    access: role.access,
    database: role.database,
    schemas: database.schemas,
    owner: database.owner,
    provider,
    lanes,
    dependsOn: [databases.get(role.database)!, roleResource(roleName)],
  });
}
const databaseResources = new Map([...databases].map(([name, database]) => [name, database.database]));
for (const [name, login] of logins) {
  new RoleSettings(`${name}-settings`, {
    role: config.roles[name],
    sessionRoles: login.sessionRoles,
    adminLogin: admin.login,
    databases: databaseResources,
    lanes,
  });
}
for (const [database, grants] of databaseGrants(config)) {
  const rolesHere = roleEntries.filter(([, role]) => role.database === database).map(([name]) => roleResource(name));
  const appDatabase = databases.get(database);
  new DatabaseAccess(`${database}-access`, {
    database,
    grants,
    provider,
    lanes,
    dependsOn: [...(appDatabase ? [appDatabase] : []), ...rolesHere, ...(auditor ? [auditor.role] : [])],
  });
}

// The opt-in session-mode pooler (docs/pooler.md): its login and lookup, then its container; admins stay direct.
const pooled = poolerPlan(config);
const poolerLogin = pooled
  ? new PoolerLogin("pooler", {
      plan: pooled,
      provider,
      adminUsername: config.admin.username,
      lanes,
      dependsOn: [...databases.values(), ...logins.values()],
    })
  : undefined;
// The config refuses a pooler in mode external: it runs beside the embedded server's container only.
const embeddedConfig = isExternal(config) ? undefined : config;
const pgbouncer =
  pooled && poolerLogin && server && embeddedConfig
    ? new PgBouncer(
        "pgbouncer",
        {
          plan: pooled,
          networkName: server.networkName,
          serverHost: embeddedConfig.server.networkAlias,
          poolerPassword: poolerLogin.password,
        },
        { dependsOn: [server, poolerLogin] },
      )
    : undefined;

const serviceRoleEntries = [...logins.entries()].flatMap(([roleName, login]) =>
  config.roles[roleName].services.map((service) => ({ service, roleName, login })),
);

/** service → DATABASE_URL (a secret: each holds its role's password, percent-encoded). */
export const databaseUrls = pulumi.secret(
  pulumi
    .all(
      serviceRoleEntries.map(({ service, roleName, login }) =>
        login.password.apply((password) => {
          const role = config.roles[roleName];
          // A pooled service names its login's pooler database at the pooler; the others reach the server.
          const alias = pooled?.serviceAliases.get(service);
          const url = databaseUrl({
            username: login.activeLogin,
            password,
            ...(alias ? { host: pooled!.pooler.networkAlias, port: PGBOUNCER_PORT } : serviceEndpoint(config, service)),
            database: alias ?? role.database,
            applicationName: service,
          });
          return [service, url] as const;
        }),
      ),
    )
    .apply((pairs) => Object.fromEntries(pairs)),
);

/** service → its client pool size (at or under its role's CONNECTION LIMIT). */
export const poolSizes = Object.fromEntries(
  serviceRoleEntries.map(({ service }) => [service, config.services[service].poolSize]),
);

/** service → the role it works as, and the login it connects with now (they differ for alternating roles). */
export const serviceRoles = Object.fromEntries(
  serviceRoleEntries.map(({ service, roleName, login }) => [service, { role: roleName, login: login.activeLogin }]),
);

/** The roles this stack manages: login roles (with their logins) and groups. */
export const roleNames = {
  login: Object.fromEntries([...layouts].map(([name, layout]) => [name, layout.logins.map((login) => login.name)])),
  groups: [...groups.keys()],
};

/** Where the deployer connects as the superuser (no password). */
export const adminEndpoint = admin.endpoint;

/** Every consumer of connection slots against max_connections, with the headroom left. */
export const connectionBudget = stackBudget(config, admin.providerName);

/** Slots held by consumers no resource describes; the connection-budget policy reads this output. */
export const unmanagedConnections = unmanagedConsumers(config);

/** The auditor login's URL for `npm run audit` on the database host (a secret); null when the stack declares none. */
export const auditorUrl = !auditor
  ? null
  : pulumi.secret(
      auditor.password.apply((password) =>
        databaseUrl({
          username: auditor.roleName,
          password,
          ...auditorEndpoint(config),
          database: "postgres",
          applicationName: "fleetdb-audit",
        }),
      ),
    );

// Only a stack that declares the pooler exports its outputs: Pulumi warns about an export left undefined, and
// stacks without the pooler keep exactly the outputs they had.
if (pgbouncer && poolerLogin) {
  Object.assign(module.exports, {
    /** Where the pooler listens; admins keep connecting to adminEndpoint directly. */
    poolerEndpoint: pgbouncer.endpoint,
    /** The pooler's console (SHOW POOLS, SHOW STATS) as its own login (a secret). */
    poolerConsoleUrl: pulumi.secret(
      poolerLogin.password.apply((password) =>
        databaseUrl({
          username: poolerLogin.roleName,
          password,
          host: pgbouncer.endpoint.host,
          port: pgbouncer.endpoint.port,
          database: "pgbouncer",
          applicationName: "fleetdb-pooler-console",
        }),
      ),
    ),
  });
}
