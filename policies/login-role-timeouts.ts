// login-role-timeouts: every login role declares statement_timeout and idle_in_transaction_session_timeout.
//
// Why: a session stuck in a transaction holds locks and a connection slot; a runaway query holds a
// slot and a CPU. Declaring both per role makes the choice visible in review; 0 is a declared choice
// ("no per-role value") for roles whose work legitimately runs long, such as a TimescaleDB job owner.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { resourceOfType } from "./core/resourceOfType";
import { TYPES } from "./core/resourceTypes";
import { booleanOf, displayName, numberOf } from "./core/values";

const REQUIRED: [input: string, setting: string][] = [
  ["statementTimeout", "statement_timeout"],
  ["idleInTransactionSessionTimeout", "idle_in_transaction_session_timeout"],
];

export const loginRoleTimeouts: ResourceValidationPolicy = {
  name: "login-role-timeouts",
  description: "Every login role declares statement_timeout and idle_in_transaction_session_timeout.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps:
    "Set statementTimeout and idleInTransactionSessionTimeout (milliseconds) on the role; 0 declares that no per-role value applies.",
  validateResource: resourceOfType(TYPES.role, (props, args, report) => {
    if (booleanOf(props.login) !== true) return;
    const role = displayName({ name: args.name, props });
    for (const [input, setting] of REQUIRED) {
      if (numberOf(props[input]) === undefined) report(`login role ${role} does not declare ${setting}: set ${input}`);
    }
  }),
};
