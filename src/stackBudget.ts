// The connection budget as the stack's config declares it (the policy pack recomputes it from resources).
import { computeBudget, type ConnectionBudget } from "../policies/core/connectionBudget";
import type { ExternalServerConfig, StackConfig } from "./config/schema";
import { roleLayout } from "./loginIdentities";
import { providerOtherDatabases } from "./privilegeMatrix";

/** The budget the config declares; `providerName` labels the deployer's line as the policy pack labels it. */
export function stackBudget(config: StackConfig, providerName: string): ConnectionBudget {
  const server = config.server;
  return computeBudget({
    maxConnections: server.maxConnections,
    ...(server.mode === "embedded"
      ? {
          superuserReservedConnections: server.superuserReservedConnections,
          reservedConnections: server.reservedConnections,
        }
      : { superuserReservedConnections: 0, reservedConnections: 0, ...externalReserved(server) }),
    loginRoles: Object.entries(config.roles)
      .filter(([, role]) => role.login)
      .flatMap(([name, role]) => {
        const layout = roleLayout(name, role, config.passwordRotation);
        // An alternating owner keeps LOGIN with CONNECTION LIMIT 0 (for TimescaleDB's jobs): budgeted as 0.
        const group = layout.group?.login ? [{ name, connectionLimit: 0 }] : [];
        return [
          ...group,
          ...layout.logins.map((login) => ({ name: login.name, connectionLimit: login.connectionLimit })),
        ];
      })
      .concat(config.audit.auditor ? [config.audit.auditor] : [])
      .concat(
        config.pooler ? [{ name: config.pooler.login.name, connectionLimit: config.pooler.login.connectionLimit }] : [],
      ),
    unmanaged: unmanagedConsumers(config),
    deployers: [
      {
        provider: providerName,
        maxConnections: config.budget.deployerMaxConnections,
        otherDatabases: providerOtherDatabases(config).length,
      },
    ],
    // The superuser's (embedded) or the admin login's (external) password resource always exists; role
    // settings join its chain: one connection at a time.
    dynamicConnections: 1,
  });
}

function externalReserved(server: ExternalServerConfig): { platformReservedConnections: number } {
  return { platformReservedConnections: server.platformReservedConnections };
}

/** The unmanaged consumers as the budget counts them; also the stack output the policy pack reads. */
export function unmanagedConsumers(config: StackConfig): { name: string; slots: number; detail: string }[] {
  return Object.entries(config.budget.unmanaged).map(([name, consumer]) => ({
    name,
    slots: consumer.slots,
    detail: consumer.description ?? (consumer.role ? `role ${consumer.role}` : "unmanaged"),
  }));
}
