// The connection budget: who may hold how many of the server's slots. Pure; shared by the program and the pack.

/** One consumer of connection slots. */
export interface BudgetLine {
  /** role: a managed login role's CONNECTION LIMIT; unmanaged: a declared outside consumer; deployer; reserved. */
  kind: "role" | "unmanaged" | "deployer" | "reserved";
  name: string;
  /** Slots it may take; -1 for a login role with no limit (which makes the budget unbounded). */
  slots: number;
  /** How the number was reached, for the table. */
  detail: string;
}

export interface BudgetInput {
  /** The server's max_connections. */
  maxConnections: number;
  superuserReservedConnections: number;
  reservedConnections: number;
  /**
   * A server fleetdb does not run (mode external): every slot a non-superuser cannot take, as declared
   * (superuser_reserved_connections plus the platform's own). Set, it replaces the two PostgreSQL lines.
   */
  platformReservedConnections?: number;
  /** Every login role the stack manages, with its CONNECTION LIMIT (-1 = none). */
  loginRoles: { name: string; connectionLimit: number }[];
  /** Consumers no resource describes: BI logins, refreshers, backups, admin tools. */
  unmanaged: { name: string; slots: number; detail?: string }[];
  /** Each postgresql provider: its per-database pool size and how many databases besides its own it opens pools in. */
  deployers: { provider: string; maxConnections: number; otherDatabases: number }[];
  /** Connections fleetdb's own dynamic resources hold at once (they run one after another: 1, or 0 when there are none). */
  dynamicConnections: number;
}

export interface ConnectionBudget {
  lines: BudgetLine[];
  /** Sum of every line's slots (unlimited roles count as 0 here and are listed in `unlimitedRoles`). */
  total: number;
  maxConnections: number;
  /** maxConnections − total: what is left; negative when over. */
  headroom: number;
  /** Login roles with no CONNECTION LIMIT: each one alone breaks the budget. */
  unlimitedRoles: string[];
  /** total ≤ maxConnections and no role is unlimited. */
  fits: boolean;
  /** Mode external only: the declared platform-reserved slots (the policy reads them back from this output). */
  platformReservedConnections?: number;
}

/**
 * The deployer's worst case: one pool of `maxConnections` per database the provider touches (its own
 * connection database plus `otherDatabases`), plus one connection held while it creates a database.
 */
export function deployerShare(maxConnections: number, otherDatabases: number): number {
  return maxConnections * (otherDatabases + 1) + 1;
}

/** Adds up every consumer of slots and compares the sum with max_connections. */
export function computeBudget(input: BudgetInput): ConnectionBudget {
  const lines: BudgetLine[] = [];
  const unlimitedRoles: string[] = [];
  for (const role of input.loginRoles) {
    if (role.connectionLimit < 0) unlimitedRoles.push(role.name);
    lines.push({
      kind: "role",
      name: role.name,
      slots: role.connectionLimit,
      detail: role.connectionLimit < 0 ? "no CONNECTION LIMIT: unbounded" : "CONNECTION LIMIT",
    });
  }
  for (const consumer of input.unmanaged) {
    lines.push({
      kind: "unmanaged",
      name: consumer.name,
      slots: consumer.slots,
      detail: consumer.detail ?? "unmanaged",
    });
  }
  for (const { provider, maxConnections, otherDatabases } of input.deployers) {
    lines.push({
      kind: "deployer",
      name: "deployer",
      slots: deployerShare(maxConnections, otherDatabases),
      detail: `${provider} pools: ${maxConnections} × (${otherDatabases} + 1) + 1`,
    });
  }
  if (input.dynamicConnections > 0) {
    lines.push({
      kind: "deployer",
      name: "deployer (dynamic)",
      slots: input.dynamicConnections,
      detail: "fleetdb dynamic resources, one connection at a time",
    });
  }
  if (input.platformReservedConnections !== undefined) {
    lines.push({
      kind: "reserved",
      name: "platform reserved",
      slots: input.platformReservedConnections,
      detail: "superuser and platform slots, declared",
    });
  } else {
    lines.push({
      kind: "reserved",
      name: "superuser_reserved_connections",
      slots: input.superuserReservedConnections,
      detail: "reserved",
    });
    lines.push({
      kind: "reserved",
      name: "reserved_connections",
      slots: input.reservedConnections,
      detail: "reserved",
    });
  }
  const total = lines.reduce((sum, line) => sum + Math.max(line.slots, 0), 0);
  const headroom = input.maxConnections - total;
  return {
    lines,
    total,
    maxConnections: input.maxConnections,
    headroom,
    unlimitedRoles,
    fits: headroom >= 0 && unlimitedRoles.length === 0,
    ...(input.platformReservedConnections !== undefined
      ? { platformReservedConnections: input.platformReservedConnections }
      : {}),
  };
}
