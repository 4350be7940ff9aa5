// The offline gate's report: a table of policies, each violation with its resource and fix, and the budget.
import Table from "cli-table3";
import { budgetBar, budgetTable } from "../../policies/core/budgetTable";
import type { ConnectionBudget } from "../../policies/core/connectionBudget";
import type { Verdict } from "./policyVerdict";
import { urnName } from "./stackView";

export interface GateReport {
  stack: string;
  file: string;
  resources: number;
  /** Config paths whose `secure:` values were replaced by placeholders. */
  placeholders: string[];
  verdict: Verdict;
  budget: ConnectionBudget;
}

const plain = { head: [], border: [] };

export function renderText(report: GateReport): string {
  const { verdict } = report;
  const lines: string[] = [];
  lines.push(
    `fleetdb gate: stack ${report.stack} (${report.file}), ${report.resources} resources, policy pack ${verdict.pack.name} ${verdict.pack.version}`,
  );
  const table = new Table({
    head: ["policy", "level", "result", "note"],
    style: { ...plain, compact: true },
    wordWrap: true,
    colWidths: [26, 11, 20, 60],
  });
  for (const outcome of verdict.outcomes) {
    const violations = outcome.diagnostics.length;
    const note =
      outcome.status === "not applicable"
        ? (outcome.notApplicableReason ?? "")
        : outcome.status === "violation"
          ? `${violations} violation${violations === 1 ? "" : "s"}`
          : outcome.status === "unknown at preview"
            ? "reads a value unknown at preview (reported as advisory, like pulumi preview)"
            : outcome.description;
    table.push([outcome.name, outcome.effectiveLevel, outcome.status, note]);
  }
  lines.push(table.toString());

  const failing = verdict.outcomes.filter((outcome) => outcome.diagnostics.length > 0);
  for (const outcome of failing) {
    lines.push("");
    lines.push(`${outcome.name} [${outcome.effectiveLevel}]`);
    for (const diagnostic of outcome.diagnostics) {
      lines.push(
        `  - ${urnName(diagnostic.urn)}: ${violationText(diagnostic.message, outcome.description).replace(/\n/g, "\n    ")}`,
      );
    }
    if (outcome.remediationSteps) lines.push(`  fix: ${outcome.remediationSteps}`);
  }

  lines.push("");
  lines.push("Connection budget (computed from the declared resources, as connection-budget computes it)");
  lines.push(budgetTable(report.budget));
  lines.push(budgetBar(report.budget));
  lines.push("");
  const mandatory = verdict.outcomes.filter(
    (outcome) => outcome.status === "violation" && isBlocking(outcome.effectiveLevel),
  ).length;
  const advisory = verdict.outcomes.filter(
    (outcome) => outcome.status === "violation" && !isBlocking(outcome.effectiveLevel),
  ).length;
  lines.push(
    verdict.failed
      ? `FAIL: ${mandatory} mandatory polic${mandatory === 1 ? "y" : "ies"} violated; pulumi preview --policy-pack policies would fail`
      : `PASS: no mandatory policy violated${advisory > 0 ? ` (${advisory} advisory with warnings)` : ""}`,
  );
  return `${lines.join("\n")}\n`;
}

export function renderJson(report: GateReport): string {
  const { verdict } = report;
  return `${JSON.stringify(
    {
      stack: report.stack,
      file: report.file,
      resources: report.resources,
      placeholders: report.placeholders,
      pack: verdict.pack,
      passed: !verdict.failed,
      policies: verdict.outcomes.map((outcome) => ({
        name: outcome.name,
        level: outcome.effectiveLevel,
        status: outcome.status,
        severity: outcome.severity,
        description: outcome.description,
        remediation: outcome.remediationSteps,
        notApplicableReason: outcome.notApplicableReason,
        violations: outcome.diagnostics.map((diagnostic) => ({
          resource: urnName(diagnostic.urn),
          urn: diagnostic.urn,
          level: diagnostic.enforcementLevel,
          message: violationText(diagnostic.message, outcome.description),
        })),
      })),
      budget: report.budget,
    },
    null,
    2,
  )}\n`;
}

function isBlocking(level: string): boolean {
  return level === "mandatory" || level === "remediate";
}

/** The SDK prefixes each violation with the policy's description; the report shows that once, in the table. */
function violationText(message: string, description: string): string {
  return message.startsWith(`${description}\n`) ? message.slice(description.length + 1) : message;
}
