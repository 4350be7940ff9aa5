// The budget arithmetic shared by the program and the policy pack.
import { describe, expect, test } from "vitest";
import { computeBudget, deployerShare, type BudgetInput } from "../../policies/core/connectionBudget";

const brief: BudgetInput = {
  maxConnections: 100,
  superuserReservedConnections: 3,
  reservedConnections: 0,
  loginRoles: [
    { name: "tracksolid_owner", connectionLimit: 30 },
    { name: "dashboard_app", connectionLimit: 8 },
    { name: "gateway_app", connectionLimit: 15 },
    { name: "cron_app", connectionLimit: 5 },
  ],
  unmanaged: [{ name: "others", slots: 28 }],
  deployers: [{ provider: "admin-provider", maxConnections: 2, otherDatabases: 3 }],
  dynamicConnections: 0,
};

describe("deployerShare", () => {
  test.each<[number, number, number]>([
    [1, 0, 2],
    [2, 3, 9],
    [3, 3, 13],
    [20, 2, 61],
  ])("maxConnections %d, %d other databases: %d slots", (max, others, slots) => {
    expect(deployerShare(max, others)).toBe(slots);
  });
});

describe("computeBudget", () => {
  test("the brief's server: 58 + 28 + 9 + 3 = 98 of 100", () => {
    const budget = computeBudget(brief);
    expect(budget).toMatchObject({ total: 98, maxConnections: 100, headroom: 2, unlimitedRoles: [], fits: true });
    expect(budget.lines.map((line) => [line.kind, line.name, line.slots])).toEqual([
      ["role", "tracksolid_owner", 30],
      ["role", "dashboard_app", 8],
      ["role", "gateway_app", 15],
      ["role", "cron_app", 5],
      ["unmanaged", "others", 28],
      ["deployer", "deployer", 9],
      ["reserved", "superuser_reserved_connections", 3],
      ["reserved", "reserved_connections", 0],
    ]);
  });

  test.each<[string, Partial<BudgetInput>, number, boolean]>([
    ["exactly at the ceiling", { unmanaged: [{ name: "others", slots: 30 }] }, 0, true],
    ["one over", { unmanaged: [{ name: "others", slots: 31 }] }, -1, false],
    ["reserved_connections count", { reservedConnections: 3 }, -1, false],
    [
      "a bigger deployer pool",
      { deployers: [{ provider: "admin-provider", maxConnections: 3, otherDatabases: 3 }] },
      -2,
      false,
    ],
  ])("%s", (_case, change, headroom, fits) => {
    const budget = computeBudget({ ...brief, ...change });
    expect(budget.headroom).toBe(headroom);
    expect(budget.fits).toBe(fits);
  });

  test("a role with no limit breaks the budget on its own, however much room is left", () => {
    const budget = computeBudget({ ...brief, loginRoles: [{ name: "adhoc", connectionLimit: -1 }] });
    expect(budget.unlimitedRoles).toEqual(["adhoc"]);
    expect(budget.fits).toBe(false);
    expect(budget.lines[0]).toEqual({
      kind: "role",
      name: "adhoc",
      slots: -1,
      detail: "no CONNECTION LIMIT: unbounded",
    });
  });
});
