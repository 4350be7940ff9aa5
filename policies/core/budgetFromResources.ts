// The connection budget recomputed from what a stack declares: roles, providers, databases, the server command.
import type { BudgetInput } from "./connectionBudget";
import { fleetdbKindOf, TYPES } from "./resourceTypes";
import { pinnedSettings, POSTGRES_PORT } from "./serverSettings";
import { booleanOf, displayName, numberOf } from "./values";

/** The slice of a resource the budget reads (a PolicyResource fits). */
export interface BudgetResource {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
  provider?: { urn: string; props: Record<string, unknown> };
}

/** PostgreSQL's defaults when the command does not pin a setting. */
const POSTGRES_DEFAULTS = { superuser_reserved_connections: 3, reserved_connections: 0 };
/** The postgresql provider's default pool size per database (provider.go). */
export const PROVIDER_DEFAULT_MAX_CONNECTIONS = 20;
/** The stack output that carries the consumers no resource describes. */
export const UNMANAGED_OUTPUT = "unmanagedConnections";
/** The stack output whose maxConnections and platformReservedConnections declare an external server's slots. */
export const BUDGET_OUTPUT = "connectionBudget";

export interface ServerSource {
  /** The container whose command was read, or undefined when no database container is declared. */
  container?: string;
  /** Settings its command pins. */
  pinned: { maxConnections?: number; superuserReservedConnections?: number; reservedConnections?: number };
  /**
   * No container: a server the stack does not run (mode external) declares its max_connections and the slots
   * its platform keeps. No resource can carry them, so they come from the stack output `connectionBudget`.
   */
  declared?: { maxConnections: number; platformReservedConnections: number };
}

export interface StackBudgetInput {
  input: BudgetInput;
  server: ServerSource;
  /** Providers whose pools are unbounded (maxConnections 0). */
  unboundedProviders: string[];
}

/**
 * Everything the budget needs, from the declared resources only: login roles' limits, each postgresql
 * provider's pools over the databases its resources touch, the server command, and the one thing no
 * resource carries, the unmanaged consumers (a stack output). `ceiling` stands in for an undeclared
 * max_connections.
 */
export function budgetFromResources(resources: readonly BudgetResource[], ceiling: number): StackBudgetInput {
  const loginRoles = resources
    .filter((resource) => resource.type === TYPES.role && booleanOf(resource.props.login) === true)
    .map((role) => ({ name: displayName(role), connectionLimit: numberOf(role.props.connectionLimit) ?? -1 }));

  const stack = resources.find((resource) => resource.type === TYPES.stack);
  const unmanaged = unmanagedFrom(stack?.props[UNMANAGED_OUTPUT]);

  const providers = resources.filter((resource) => resource.type === TYPES.postgresqlProvider);
  const unboundedProviders: string[] = [];
  // Each provider keeps its own pools, so each gets its own share.
  const deployers = providers.map((provider) => {
    const maxConnections = numberOf(provider.props.maxConnections) ?? PROVIDER_DEFAULT_MAX_CONNECTIONS;
    if (maxConnections === 0) unboundedProviders.push(provider.name);
    return {
      provider: provider.name,
      maxConnections,
      otherDatabases: databasesTouched(resources, provider, providers.length === 1).size,
    };
  });
  const server = serverFrom(resources, stack?.props[BUDGET_OUTPUT]);
  // fleetdb's dynamic resources (superuser password, role settings) are chained: one connection at a time.
  const dynamicConnections = resources.some((resource) => fleetdbKindOf(resource) !== undefined) ? 1 : 0;
  const input: BudgetInput = {
    maxConnections: server.pinned.maxConnections ?? server.declared?.maxConnections ?? ceiling,
    superuserReservedConnections:
      server.pinned.superuserReservedConnections ?? POSTGRES_DEFAULTS.superuser_reserved_connections,
    reservedConnections: server.pinned.reservedConnections ?? POSTGRES_DEFAULTS.reserved_connections,
    loginRoles,
    unmanaged,
    deployers,
    dynamicConnections,
    ...(server.declared ? { platformReservedConnections: server.declared.platformReservedConnections } : {}),
  };
  return { input, server, unboundedProviders };
}

/** Databases besides its own that a provider opens pools in, from the resources that use it. */
function databasesTouched(
  resources: readonly BudgetResource[],
  provider: BudgetResource,
  onlyProvider: boolean,
): Set<string> {
  const own = typeof provider.props.database === "string" ? provider.props.database : "postgres";
  const touched = new Set<string>();
  for (const resource of resources) {
    if (!resource.type.startsWith("postgresql:")) continue;
    const uses = resource.provider ? resource.provider.urn === provider.urn : onlyProvider;
    if (!uses) continue;
    const database = resource.type === TYPES.database ? resource.props.name : resource.props.database;
    if (typeof database === "string" && database !== own) touched.add(database);
  }
  return touched;
}

function serverFrom(resources: readonly BudgetResource[], budgetOutput: unknown): ServerSource {
  const container = resources.find((resource) => resource.type === TYPES.container && servesPostgres(resource.props));
  if (!container) return { pinned: {}, ...declaredServer(budgetOutput) };
  const command = Array.isArray(container.props.command) ? container.props.command : [];
  const pinned = pinnedSettings(command);
  return {
    container: container.name,
    pinned: {
      maxConnections: pinned.max_connections,
      superuserReservedConnections: pinned.superuser_reserved_connections,
      reservedConnections: pinned.reserved_connections,
    },
  };
}

/** A container runs PostgreSQL when it maps port 5432 or pins a connection setting on its command. */
export function servesPostgres(props: Record<string, unknown>): boolean {
  const ports: unknown[] = Array.isArray(props.ports) ? props.ports : [];
  if (ports.some((port) => numberOf((port as Record<string, unknown> | null)?.internal) === POSTGRES_PORT)) return true;
  const command = Array.isArray(props.command) ? props.command : [];
  return Object.keys(pinnedSettings(command)).length > 0;
}

function unmanagedFrom(value: unknown): BudgetInput["unmanaged"] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((entry): entry is Record<string, unknown> => typeof entry === "object" && entry !== null)
    .map((entry) => ({
      name: typeof entry.name === "string" ? entry.name : "unmanaged",
      slots: numberOf(entry.slots) ?? 0,
      detail: typeof entry.detail === "string" ? entry.detail : undefined,
    }));
}

/** An external server's declared slots from the `connectionBudget` output; nothing when it declares none. */
function declaredServer(value: unknown): Pick<ServerSource, "declared"> {
  if (typeof value !== "object" || value === null) return {};
  const output = value as Record<string, unknown>;
  const maxConnections = numberOf(output.maxConnections);
  const platformReservedConnections = numberOf(output.platformReservedConnections);
  if (maxConnections === undefined || platformReservedConnections === undefined) return {};
  return { declared: { maxConnections, platformReservedConnections } };
}
