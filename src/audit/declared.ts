// The declared side of the audit, read from the resources the program registers (as the SQL plan is): no second model.
import type { ConnectionBudget } from "../../policies/core/connectionBudget";
import type { MatchRule } from "../config/sections/audit";
import { PUBLIC_ROLE } from "../privilegeMatrix";

/** A registered resource as the audit reads it (a RegisteredResource from the mock runtime fits). */
export interface DeclaredResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export interface DeclaredRole {
  name: string;
  login: boolean;
  superuser: boolean;
  createDatabase: boolean;
  createRole: boolean;
  replication: boolean;
  bypassRowLevelSecurity: boolean;
  inherit: boolean;
  /** -1: no limit. */
  connectionLimit: number;
  /** Direct memberships (postgresql.Role `roles`). */
  memberOf: string[];
}

/** One pg_db_role_setting entry: `database` undefined for the role-wide row. */
export interface DeclaredSetting {
  role: string;
  database?: string;
  setting: string;
  value: string;
}

/** A postgresql.Grant: objects [] means every object of the type in the schema. */
export interface DeclaredGrant {
  database: string;
  objectType: string;
  schema?: string;
  objects: string[];
  role: string;
  privileges: string[];
}

export interface DeclaredDefaultPrivileges {
  database: string;
  owner: string;
  /** undefined: the global layer (every schema). */
  schema?: string;
  objectType: string;
  role: string;
  privileges: string[];
}

export interface DeclaredService {
  name: string;
  /** The role it works as, and the login it connects with. */
  role: string;
  login: string;
  match?: MatchRule;
}

export interface DeclaredConsumer {
  name: string;
  slots: number;
  role?: string;
  match?: MatchRule;
}

export interface DeclaredModel {
  /** The provider's superuser (owner of the databases it creates). */
  superuser: string;
  roles: Map<string, DeclaredRole>;
  settings: DeclaredSetting[];
  /** Application databases, with the owner the provider gives them. */
  databases: { name: string; owner: string }[];
  schemas: { database: string; name: string; owner: string }[];
  grants: DeclaredGrant[];
  defaultPrivileges: DeclaredDefaultPrivileges[];
  services: DeclaredService[];
  unmanaged: DeclaredConsumer[];
  budget: ConnectionBudget;
  server: {
    maxConnections: number;
    superuserReservedConnections: number;
    reservedConnections: number;
    /** Mode external: every slot a non-superuser cannot take, as declared (the live reserved settings must fit). */
    platformReservedConnections?: number;
  };
  /** The auditor login the stack declares, if any: the one role allowed pg_monitor. */
  auditor?: string;
}

/** What the audit needs besides the registrations: consumers no resource describes, and match rules. */
export interface DeclaredExtras {
  unmanaged: { name: string; slots: number; role?: string }[];
  match: Record<string, MatchRule>;
  auditor?: string;
}

const ROLE = "postgresql:index/role:Role";
const GRANT = "postgresql:index/grant:Grant";
const DEFAULT_PRIVILEGES = "postgresql:index/defaultPrivileges:DefaultPrivileges";
const SCHEMA = "postgresql:index/schema:Schema";
const DATABASE = "postgresql:index/database:Database";
const PROVIDER = "pulumi:providers:postgresql";
const DYNAMIC = "pulumi-nodejs:dynamic:Resource";

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const flag = (value: unknown, fallback: boolean): boolean => (typeof value === "boolean" ? value : fallback);

/** Reads the declared model from a program run's registered resources and stack outputs. */
export function declaredModel(
  resources: readonly DeclaredResource[],
  outputs: Record<string, unknown>,
  extras: DeclaredExtras,
): DeclaredModel {
  const of = (type: string) => resources.filter((resource) => resource.type === type);
  const provider = of(PROVIDER)[0];
  const superuser = text(provider?.inputs.username) ?? "postgres";
  const roles = new Map<string, DeclaredRole>();
  const settings: DeclaredSetting[] = [];
  for (const { name, inputs } of of(ROLE)) {
    const role: DeclaredRole = {
      name: text(inputs.name) ?? name,
      login: flag(inputs.login, false),
      superuser: flag(inputs.superuser, false),
      createDatabase: flag(inputs.createDatabase, false),
      createRole: flag(inputs.createRole, false),
      replication: flag(inputs.replication, false),
      bypassRowLevelSecurity: flag(inputs.bypassRowLevelSecurity, false),
      inherit: flag(inputs.inherit, true),
      connectionLimit: typeof inputs.connectionLimit === "number" ? inputs.connectionLimit : -1,
      memberOf: strings(inputs.roles),
    };
    roles.set(role.name, role);
    settings.push(...providerRoleSettings(role.name, inputs));
  }
  for (const { inputs } of of(DYNAMIC)) {
    if (inputs.fleetdbKind !== "role-setting") continue;
    settings.push({
      role: String(inputs.role),
      database: text(inputs.database),
      setting: String(inputs.setting),
      value: String(inputs.value),
    });
  }
  const serviceRoles = (outputs.serviceRoles ?? {}) as Record<string, { role: string; login: string }>;
  const budget = outputs.connectionBudget as ConnectionBudget;
  const reserved = (name: string) => budget.lines.find((line) => line.name === name)?.slots ?? 0;
  return {
    superuser,
    roles,
    settings,
    databases: of(DATABASE).map(({ name, inputs }) => ({
      name: text(inputs.name) ?? name,
      owner: text(inputs.owner) ?? superuser,
    })),
    schemas: of(SCHEMA).map(({ name, inputs }) => ({
      database: String(inputs.database),
      name: text(inputs.name) ?? name,
      owner: text(inputs.owner) ?? superuser,
    })),
    grants: of(GRANT).map(({ inputs }) => ({
      database: String(inputs.database),
      objectType: String(inputs.objectType),
      schema: text(inputs.schema),
      objects: strings(inputs.objects),
      role: String(inputs.role),
      privileges: strings(inputs.privileges).map((privilege) => privilege.toUpperCase()),
    })),
    defaultPrivileges: of(DEFAULT_PRIVILEGES).map(({ inputs }) => ({
      database: String(inputs.database),
      owner: String(inputs.owner),
      schema: text(inputs.schema),
      objectType: String(inputs.objectType),
      role: String(inputs.role),
      privileges: strings(inputs.privileges).map((privilege) => privilege.toUpperCase()),
    })),
    services: Object.entries(serviceRoles).map(([name, { role, login }]) => ({
      name,
      role,
      login,
      match: extras.match[name],
    })),
    unmanaged: extras.unmanaged.map((consumer) => ({ ...consumer, match: extras.match[consumer.name] })),
    budget,
    server: {
      maxConnections: budget.maxConnections,
      superuserReservedConnections: reserved("superuser_reserved_connections"),
      reservedConnections: reserved("reserved_connections"),
      ...(budget.platformReservedConnections !== undefined
        ? { platformReservedConnections: budget.platformReservedConnections }
        : {}),
    },
    auditor: extras.auditor,
  };
}

/** The settings postgresql.Role writes itself: its two timeouts when non-zero, search_path, and `role` (assumeRole). */
function providerRoleSettings(role: string, inputs: Record<string, unknown>): DeclaredSetting[] {
  const settings: DeclaredSetting[] = [];
  for (const [input, setting] of [
    ["statementTimeout", "statement_timeout"],
    ["idleInTransactionSessionTimeout", "idle_in_transaction_session_timeout"],
  ] as const) {
    const value = Number(inputs[input] ?? 0);
    if (value > 0) settings.push({ role, setting, value: String(value) });
  }
  const searchPaths = strings(inputs.searchPaths);
  if (searchPaths.length > 0) settings.push({ role, setting: "search_path", value: searchPaths.join(", ") });
  const assumeRole = text(inputs.assumeRole);
  if (assumeRole) settings.push({ role, setting: "role", value: assumeRole });
  return settings;
}

/** Roles the stack manages plus PUBLIC: the grantees privilege checks are authoritative for. */
export function authoritativeGrantees(model: DeclaredModel): Set<string> {
  return new Set([...model.roles.keys(), PUBLIC_ROLE]);
}
