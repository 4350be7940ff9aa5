// The audit as text: findings grouped by severity, the cutover table, live slots beside the budget, what was skipped.
import Table from "cli-table3";
import { budgetBar } from "../../policies/core/budgetTable";
import type { ConnectionBudget } from "../../policies/core/connectionBudget";
import type { AuditReport } from "./audit";
import type { Finding, Severity } from "./findings";

const HEADINGS: Record<Severity, string> = { error: "ERRORS", warning: "WARNINGS", info: "INFORMATION" };
const table = (head: string[], colAligns?: ("left" | "right")[]) =>
  new Table({ head, style: { head: [], border: [], compact: true }, ...(colAligns ? { colAligns } : {}) });

export function renderReport(report: AuditReport, budget: ConnectionBudget): string {
  const out: string[] = [];
  for (const severity of ["error", "warning", "info"] as const) {
    const items = report.findings.filter((item) => item.severity === severity);
    if (items.length === 0) continue;
    out.push(`${HEADINGS[severity]} (${items.length})`);
    for (const item of items) out.push(...findingLines(item));
    out.push("");
  }
  if (report.cutover.length > 0) {
    const cutover = table(["service", "declared login", "state", "seen as"]);
    for (const row of report.cutover)
      cutover.push([
        row.service,
        row.login,
        row.state,
        Object.entries(row.seenAs)
          .map(([user, n]) => `${user} ×${n}`)
          .join(", ") || "–",
      ]);
    out.push("Cutover", cutover.toString(), "");
  }
  const slots = table(["consumer", "kind", "budgeted", "live", "how"], ["left", "left", "right", "right", "left"]);
  for (const line of report.sessions.lines)
    slots.push([
      line.name,
      line.kind,
      line.kind === "live" ? "–" : line.budgeted < 0 ? "unlimited" : String(line.budgeted),
      line.live === null ? "–" : String(line.live),
      line.detail,
    ]);
  out.push(
    `Connection slots (${report.sessions.visible ? "live client backends beside the budget" : "budget only: sessions not visible"})`,
  );
  out.push(slots.toString());
  out.push(`budgeted ${budgetBar(budget)}`);
  if (report.sessions.clientBackends !== null) {
    const used = report.sessions.clientBackends;
    out.push(
      `live     ${budgetBar({ ...budget, total: used, headroom: budget.maxConnections - used, unlimitedRoles: [] })}`,
    );
  }
  out.push("");
  if (report.skipped.length > 0) {
    out.push(`NOT CHECKED (${report.skipped.length}): these are not clean, they were not run`);
    for (const { check, reason } of report.skipped) out.push(`  - ${check}: ${reason}`);
    out.push("");
  }
  const visited = report.databases.visited.join(", ");
  const errors = report.findings.filter((item) => item.severity === "error").length;
  const warnings = report.findings.filter((item) => item.severity === "warning").length;
  out.push(
    errors + warnings === 0
      ? `IN SYNC: the live server matches the stack (audited as ${report.user} in ${visited})`
      : `DRIFT: ${errors} error(s), ${warnings} warning(s) (audited as ${report.user} in ${visited})`,
  );
  return `${out.join("\n")}\n`;
}

function findingLines(item: Finding): string[] {
  return [
    `  [${item.kind}] ${item.object}`,
    `      live:     ${item.live}`,
    `      declared: ${item.declared}`,
    `      fix:      ${item.fix}`,
  ];
}
