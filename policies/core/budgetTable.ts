// The connection budget as a plain-text table and a bar, for violation messages and the offline gate.
import Table from "cli-table3";
import type { ConnectionBudget } from "./connectionBudget";

/** A monospace table (no colour codes: it travels inside policy messages). */
export function budgetTable(budget: ConnectionBudget): string {
  const table = new Table({
    head: ["consumer", "kind", "slots", "how"],
    style: { head: [], border: [], compact: true },
    colAligns: ["left", "left", "right", "left"],
  });
  for (const line of budget.lines)
    table.push([line.name, line.kind, line.slots < 0 ? "unlimited" : String(line.slots), line.detail]);
  table.push([{ colSpan: 2, content: "total" }, String(budget.total), `of max_connections ${budget.maxConnections}`]);
  table.push([
    { colSpan: 2, content: budget.headroom >= 0 ? "headroom" : "over by" },
    String(Math.abs(budget.headroom)),
    "",
  ]);
  return table.toString();
}

/** `[█████████████████████████████████████████░░] 98/100 slots, 2 left`: used against the ceiling at a glance. */
export function budgetBar(budget: ConnectionBudget, width = 40): string {
  const used = Math.min(budget.total, budget.maxConnections);
  const filled = budget.maxConnections > 0 ? Math.round((used / budget.maxConnections) * width) : width;
  const bar = "█".repeat(filled) + "░".repeat(width - filled);
  const state =
    budget.unlimitedRoles.length > 0
      ? `unbounded: ${budget.unlimitedRoles.join(", ")} ha${budget.unlimitedRoles.length === 1 ? "s" : "ve"} no CONNECTION LIMIT`
      : budget.headroom >= 0
        ? `${budget.headroom} left`
        : `${-budget.headroom} over`;
  return `[${bar}] ${budget.total}/${budget.maxConnections} slots, ${state}`;
}
