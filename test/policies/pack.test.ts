// The whole pack at a glance: every policy with its enforcement level, so softening one is a visible diff.
import { expect, test } from "vitest";
import { PACK_NAME, policies } from "../../policies/policies";

test("every policy with its enforcement level, severity and kind", () => {
  expect(PACK_NAME).toBe("fleetdb-guardrails");
  expect(
    policies.map((policy) => [
      policy.name,
      policy.enforcementLevel,
      policy.severity,
      "validateStack" in policy ? "stack" : "resource",
    ]),
  ).toEqual([
    ["no-superuser-app-roles", "mandatory", "critical", "resource"],
    ["connection-budget", "mandatory", "high", "stack"],
    ["no-public-db-port", "mandatory", "critical", "resource"],
    ["pinned-db-image", "advisory", "medium", "resource"],
    ["login-role-timeouts", "advisory", "medium", "resource"],
    ["provider-tls", "advisory", "high", "stack"],
    ["admin-reserved-slots", "advisory", "medium", "resource"],
    ["contained-extensions", "advisory", "high", "resource"],
  ]);
});

test("every policy explains itself and says how to fix a violation", () => {
  for (const policy of policies) {
    expect(policy.description.length, policy.name).toBeGreaterThan(20);
    expect(policy.remediationSteps?.length ?? 0, policy.name).toBeGreaterThan(20);
  }
});
