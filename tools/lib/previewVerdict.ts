// The real engine's policy verdict (from `pulumi preview --event-log`) beside the offline gate's (`--json`):
// where the gate imitates the engine, CI checks that it agrees wherever the engine really runs.

/** Per policy: how many violations it reported, and whether any of them fails the preview. */
export type PolicyVerdicts = Map<string, { violations: number; blocking: boolean }>;

/** The gate's `--json` report: each policy's violations at its effective level. */
export function verdictsFromGate(report: unknown): PolicyVerdicts {
  const policies = (report as { policies?: unknown } | null)?.policies;
  if (!Array.isArray(policies)) throw new Error("not a gate --json report: it has no policies list");
  const verdicts: PolicyVerdicts = new Map();
  for (const policy of policies as { name?: unknown; violations?: { level?: unknown }[] }[]) {
    if (typeof policy.name !== "string" || !Array.isArray(policy.violations))
      throw new Error("not a gate --json report: a policy has no name or violations");
    verdicts.set(policy.name, {
      violations: policy.violations.length,
      blocking: policy.violations.some(
        (violation) => violation.level === "mandatory" || violation.level === "remediate",
      ),
    });
  }
  return verdicts;
}

/**
 * The engine's event log (one JSON EngineEvent per line, apitype/events.go): every policyEvent of
 * `pack`; enforcementLevel "mandatory" and "remediate" fail a preview, "warning" does not.
 */
export function verdictsFromEventLog(log: string, pack: string, policyNames: readonly string[]): PolicyVerdicts {
  const verdicts: PolicyVerdicts = new Map(policyNames.map((name) => [name, { violations: 0, blocking: false }]));
  log.split("\n").forEach((line, index) => {
    if (line.trim() === "") return;
    let event: { policyEvent?: { policyName?: unknown; policyPackName?: unknown; enforcementLevel?: unknown } };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      throw new Error(`event log line ${index + 1} is not JSON`);
    }
    const policyEvent = event.policyEvent;
    if (!policyEvent || policyEvent.policyPackName !== pack || typeof policyEvent.policyName !== "string") return;
    const verdict = verdicts.get(policyEvent.policyName) ?? { violations: 0, blocking: false };
    verdict.violations += 1;
    verdict.blocking ||= policyEvent.enforcementLevel === "mandatory" || policyEvent.enforcementLevel === "remediate";
    verdicts.set(policyEvent.policyName, verdict);
  });
  return verdicts;
}

/** Each way the two verdicts differ, one line per policy; empty when they agree. */
export function verdictDifferences(gate: PolicyVerdicts, engine: PolicyVerdicts): string[] {
  const names = [...new Set([...gate.keys(), ...engine.keys()])].sort();
  const differences: string[] = [];
  for (const name of names) {
    const offline = gate.get(name) ?? { violations: 0, blocking: false };
    const real = engine.get(name) ?? { violations: 0, blocking: false };
    if (offline.violations !== real.violations || offline.blocking !== real.blocking) {
      differences.push(`${name}: the gate reports ${verdictText(offline)}, pulumi preview ${verdictText(real)}`);
    }
  }
  return differences;
}

function verdictText(verdict: { violations: number; blocking: boolean }): string {
  if (verdict.violations === 0) return "no violation";
  return `${verdict.violations} violation${verdict.violations === 1 ? "" : "s"}${verdict.blocking ? " (failing)" : " (advisory)"}`;
}
