// The whole pack at a glance: every policy with its enforcement level, so softening one is a visible diff.
import { readFileSync } from "node:fs";
import * as path from "node:path";
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
    ["external-provider-tls", "mandatory", "critical", "stack"],
    ["pooler-role-caps", "mandatory", "high", "stack"],
  ]);
});

test("every policy lives in its own file named after it, with its reason, and says how to fix a violation", () => {
  for (const policy of policies) {
    const source = readFileSync(path.join(__dirname, "..", "..", "policies", `${policy.name}.ts`), "utf8");
    expect(source.split("\n")[0], policy.name).toMatch(new RegExp(`^// ${policy.name}: \\S`));
    expect(source, policy.name).toMatch(/^\/\/ Why: \S/m);
    expect(policy.description, policy.name).toMatch(/^[A-Z].*\.$/);
    expect(policy.remediationSteps, policy.name).toMatch(/^[A-Z].*\.$/);
    expect(policy.remediationSteps, policy.name).not.toBe(policy.description);
  }
});
