// pooler-role-caps: a compliant pooled stack, then one changed field per case, with the message asserted.
import { describe, expect, test } from "vitest";
import { capsLabel, POOLER_CAPS_LABEL, type PoolerCap } from "../../policies/core/pooler";
import { poolerRoleCaps } from "../../policies/pooler-role-caps";
import { runStackPolicy, UNKNOWN, type TestResource } from "./harness";

const CAPS: PoolerCap[] = [
  { login: "tracksolid_owner", maxConnections: 28, directSlots: 1, margin: 1 },
  { login: "gateway_app", maxConnections: 14, directSlots: 0, margin: 1 },
];

function role(name: string, connectionLimit: unknown): TestResource {
  return { type: "postgresql:index/role:Role", name: `${name}-role`, props: { name, login: true, connectionLimit } };
}
function pooler(label: unknown = capsLabel(CAPS)): TestResource {
  return {
    type: "docker:index/container:Container",
    name: "pgbouncer-container",
    props: { name: "pgbouncer", labels: [{ label: POOLER_CAPS_LABEL, value: label }] },
  };
}
function stack(change: { caps?: unknown; limits?: Record<string, unknown> } = {}): TestResource[] {
  const limits = { tracksolid_owner: 30, gateway_app: 15, ...change.limits };
  return [
    ...Object.entries(limits).map(([name, limit]) => role(name, limit)),
    pooler("caps" in change ? change.caps : undefined),
  ];
}

describe("pooler-role-caps", () => {
  test("caps + direct slots + margin at the limits pass", async () => {
    expect(await runStackPolicy(poolerRoleCaps, stack())).toEqual({ violations: [] });
  });

  test("a stack without the pooler (no labelled container) has nothing to check", async () => {
    const unlabelled = { ...pooler(), props: { name: "timescaledb" } };
    expect(await runStackPolicy(poolerRoleCaps, [role("gateway_app", 15), unlabelled])).toEqual({ violations: [] });
  });

  test.each<[string, { caps?: unknown; limits?: Record<string, unknown> }, string]>([
    [
      "a role limit lowered under the cap",
      { limits: { gateway_app: 14 } },
      "login gateway_app allows 14 connections; the pooler may open 14, plus 0 direct slots and a margin of 1 = 15: lower the cap or directSlots, or raise connectionLimit",
    ],
    [
      "more direct slots than the limit leaves",
      { caps: capsLabel([{ ...CAPS[0], directSlots: 2 }, CAPS[1]]) },
      "login tracksolid_owner allows 30 connections; the pooler may open 28, plus 2 direct slots and a margin of 1 = 31: lower the cap or directSlots, or raise connectionLimit",
    ],
    [
      "no margin left",
      { caps: capsLabel([CAPS[0], { ...CAPS[1], maxConnections: 15 }]) },
      "login gateway_app allows 15 connections; the pooler may open 15, plus 0 direct slots and a margin of 1 = 16: lower the cap or directSlots, or raise connectionLimit",
    ],
    [
      "a role without a CONNECTION LIMIT",
      { limits: { gateway_app: -1 } },
      "login gateway_app has no CONNECTION LIMIT, so nothing bounds the pooler's 14: set one",
    ],
    [
      "a pooled login no role declares",
      { caps: capsLabel([...CAPS, { login: "ghost", maxConnections: 1, directSlots: 0, margin: 1 }]) },
      "container pgbouncer pools login ghost, which no login role of this stack declares",
    ],
    [
      "a label that is not a list of caps",
      { caps: "{not json" },
      "container pgbouncer carries a fleetdb.pooler.caps label that is not a list of caps: render it with the stack",
    ],
  ])("%s is a violation", async (_case, change, message) => {
    expect(await runStackPolicy(poolerRoleCaps, stack(change))).toEqual({ violations: [message] });
  });

  test("at preview an unknown CONNECTION LIMIT is reported as unknown, not passed", async () => {
    const outcome = await runStackPolicy(poolerRoleCaps, stack({ limits: { gateway_app: UNKNOWN } }));
    expect(outcome.violations).toEqual([]);
    expect(outcome.unknown).toBeDefined();
  });
});
