// pooler-role-caps: the pooler's cap for each login, plus its direct slots and margin, fits its CONNECTION LIMIT.
//
// Why: PostgreSQL counts a login's backends from the pooler and from direct clients against one CONNECTION
// LIMIT. When the pooler tries to open more than the limit leaves it, the server refuses the pooler's login
// ("too many connections for role"), and PgBouncer then fails every new client of that pool for
// server_login_retry seconds: the storm absorber turns into an outage. The caps are read from the label
// the pooler container carries (written from the same plan as its pgbouncer.ini).
import type { StackValidationPolicy } from "@pulumi/policy";
import { parseCapsLabel, POOLER_CAPS_LABEL } from "./core/pooler";
import { TYPES } from "./core/resourceTypes";
import { booleanOf, displayName, numberOf } from "./core/values";

export const poolerRoleCaps: StackValidationPolicy = {
  name: "pooler-role-caps",
  description:
    "For every login the pooler serves, its pooler cap plus its direct slots plus the margin is at most its CONNECTION LIMIT.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Lower pooler.roles.<role>.directSlots or pooler.margin, or raise the role's connectionLimit (and budget it); the stack renders the cap as CONNECTION LIMIT − directSlots − margin.",
  validateStack: (args, report) => {
    const limits = new Map(
      args.resources
        .filter((resource) => resource.type === TYPES.role && booleanOf(resource.props.login) === true)
        .map((role) => [displayName(role), numberOf(role.props.connectionLimit)]),
    );
    const poolers = args.resources.filter((resource) => resource.type === TYPES.container);
    for (const container of poolers) {
      const labels = (Array.isArray(container.props.labels) ? container.props.labels : []) as Record<string, unknown>[];
      const label = labels.find((entry) => entry.label === POOLER_CAPS_LABEL);
      if (!label) continue;
      const name = displayName(container);
      const caps = parseCapsLabel(label.value);
      if (!caps) {
        report(
          `container ${name} carries a ${POOLER_CAPS_LABEL} label that is not a list of caps: render it with the stack`,
        );
        continue;
      }
      for (const cap of caps) {
        if (!limits.has(cap.login)) {
          report(`container ${name} pools login ${cap.login}, which no login role of this stack declares`);
          continue;
        }
        const limit = limits.get(cap.login);
        const needed = cap.maxConnections + cap.directSlots + cap.margin;
        if (limit === undefined || limit < 0) {
          report(
            `login ${cap.login} has no CONNECTION LIMIT, so nothing bounds the pooler's ${cap.maxConnections}: set one`,
          );
        } else if (needed > limit) {
          report(
            `login ${cap.login} allows ${limit} connections; the pooler may open ${cap.maxConnections}, plus ${cap.directSlots} direct slots and a margin of ${cap.margin} = ${needed}: lower the cap or directSlots, or raise connectionLimit`,
          );
        }
      }
    }
  },
};
