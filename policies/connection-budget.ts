// connection-budget: every consumer of the server's connection slots fits in max_connections.
//
// Why: one server serves every role. When the sum of CONNECTION LIMITs, the consumers no resource
// describes, the deployer's own pools and the reserved slots exceeds max_connections, a burst from one
// service can fill the server and lock everyone out ("too many connections"). A login role with no
// limit makes the sum unbounded on its own. The sum is computed from the declared resources; only the
// unmanaged consumers come from the program, as the stack output `unmanagedConnections`.
import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { budgetFromResources } from "./core/budgetFromResources";
import { budgetTable } from "./core/budgetTable";
import { computeBudget } from "./core/connectionBudget";
import { policyConfig } from "./core/policyConfig";

interface Config {
  /** The highest max_connections the server may run with; stands in for an undeclared one. */
  maxConnectionsCeiling: number;
}

const configSchema: PolicyConfigSchema = {
  properties: {
    maxConnectionsCeiling: {
      type: "integer",
      minimum: 1,
      default: 100,
      description: "The highest max_connections the server may run with.",
    },
  },
};

export const connectionBudget: StackValidationPolicy = {
  name: "connection-budget",
  description:
    "Login roles' CONNECTION LIMITs + unmanaged consumers + the deployer's pools + reserved slots fit in the server's max_connections; no login role is unlimited.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Lower a role's connectionLimit (and its services' pool sizes), an unmanaged consumer's slots, or the budget's deployerMaxConnections; " +
    "give every login role a CONNECTION LIMIT; pin max_connections on the server command at or under the ceiling.",
  configSchema,
  validateStack: (args, report) => {
    const config = policyConfig<Config>(configSchema, args.getConfig());
    const { input, server, unboundedProviders } = budgetFromResources(args.resources, config.maxConnectionsCeiling);
    const budget = computeBudget(input);

    if (server.container && server.pinned.maxConnections === undefined) {
      report(
        `container ${server.container} does not pin max_connections on its command: timescaledb-tune rewrites it from the container's memory (25 at 2 GB or less); add -c max_connections=${config.maxConnectionsCeiling}`,
      );
    }
    if (server.pinned.maxConnections !== undefined && server.pinned.maxConnections > config.maxConnectionsCeiling) {
      report(
        `container ${server.container} sets max_connections=${server.pinned.maxConnections}, above the ceiling ${config.maxConnectionsCeiling}: lower it, or raise maxConnectionsCeiling in the policy config after sizing the server's memory`,
      );
    }
    for (const provider of unboundedProviders) {
      report(
        `postgresql provider ${provider} has maxConnections 0 (unlimited pools): set maxConnections (the budget's deployerMaxConnections)`,
      );
    }
    for (const role of budget.unlimitedRoles) {
      report(`login role ${role} has no CONNECTION LIMIT (-1): it alone can take every slot; set its connectionLimit`);
    }
    if (budget.headroom < 0) {
      report(
        `connections over budget: ${budget.total} of max_connections ${budget.maxConnections} (${-budget.headroom} over): ` +
          `lower a role's connectionLimit, an unmanaged consumer's slots or the deployer's maxConnections\n${budgetTable(budget)}`,
      );
    }
  },
};
