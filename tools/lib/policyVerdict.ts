// Runs the policy pack over a captured program run with the engine's semantics and sums up each policy's outcome.
import { PROJECT, type ProgramRun } from "./mockRuntime";
import { PolicyPackProcess, type Diagnostic } from "./policyEngine";
import {
  policyConfigWarnings,
  reconcilePolicyConfig,
  type EnforcementLevel,
  type PolicyConfig,
  type PolicyInfo,
  readPolicyConfigFile,
} from "./policyPackConfig";

export type PolicyStatus = "pass" | "violation" | "not applicable" | "unknown at preview" | "disabled";

export interface PolicyOutcome extends PolicyInfo {
  /** The level in force after the policy config (what decides whether a violation fails the gate). */
  effectiveLevel: EnforcementLevel;
  status: PolicyStatus;
  diagnostics: Diagnostic[];
  notApplicableReason?: string;
}

export interface Verdict {
  pack: { name: string; version: string };
  outcomes: PolicyOutcome[];
  /** The reconciled policy config, as sent to the pack. */
  config: Map<string, PolicyConfig>;
  /** true when any mandatory policy reported a violation: `pulumi preview` would fail. */
  failed: boolean;
  /** What the policy config does that the CLI accepts silently (unknown names, mandatory policies turned down). */
  configWarnings: string[];
}

/** The SDK's message for a policy that touched a value unknown at preview (always advisory). */
const PREVIEW_UNKNOWN = /^can't run policy '[^']+' from policy pack '[^']+' during preview/;

/**
 * Starts the pack, configures it as the CLI would (defaults, `all`, per-policy entries, JSON-schema
 * validation), runs resource policies on every resource's inputs and stack policies on all outputs.
 */
export async function judgeRun(
  run: ProgramRun,
  options: {
    stack: string;
    policyConfigFile?: string;
    preview: boolean;
    /** A pack already starting (the gate starts it while the program runs); closed here either way. */
    pack?: Promise<PolicyPackProcess>;
  },
): Promise<Verdict> {
  const starting = options.pack ?? PolicyPackProcess.start();
  let given;
  try {
    given = options.policyConfigFile ? readPolicyConfigFile(options.policyConfigFile) : {};
  } catch (error) {
    await starting.then(
      (pack) => pack.close(),
      () => undefined,
    );
    throw error;
  }
  const pack = await starting;
  try {
    const info = await pack.info();
    const config = reconcilePolicyConfig(info.policies, given);
    const configWarnings = policyConfigWarnings(info.policies, given);
    await pack.configure(config);
    await pack.configureStack(options.stack, PROJECT, options.preview);

    const diagnostics: Diagnostic[] = [];
    const notApplicable = new Map<string, number>();
    const reasons = new Map<string, string>();
    for (const resource of run.resources) {
      const analysis = await pack.analyze(resource, run);
      diagnostics.push(...analysis.diagnostics);
      for (const [policy, why] of analysis.notApplicable) {
        notApplicable.set(policy, (notApplicable.get(policy) ?? 0) + 1);
        reasons.set(policy, why[0]);
      }
    }
    const stackAnalysis = await pack.analyzeStack(run);
    diagnostics.push(...stackAnalysis.diagnostics);
    const stackNotApplicable = stackAnalysis.notApplicable;

    const outcomes = info.policies.map((policy): PolicyOutcome => {
      const effectiveLevel = config.get(policy.name)?.enforcementLevel ?? policy.enforcementLevel;
      const own = diagnostics.filter((diagnostic) => diagnostic.policy === policy.name);
      const status = statusOf(policy, effectiveLevel, own, {
        resourceNotApplicable: (notApplicable.get(policy.name) ?? 0) === run.resources.length,
        stackNotApplicable: stackNotApplicable.has(policy.name),
      });
      const notApplicableReason =
        status === "not applicable"
          ? (stackNotApplicable.get(policy.name)?.[0] ?? reasons.get(policy.name))
          : undefined;
      return { ...policy, effectiveLevel, status, diagnostics: own, notApplicableReason };
    });
    const failed = diagnostics.some(
      (diagnostic) => diagnostic.enforcementLevel === "mandatory" || diagnostic.enforcementLevel === "remediate",
    );
    return { pack: { name: info.name, version: info.version }, outcomes, config, failed, configWarnings };
  } finally {
    pack.close();
  }
}

function statusOf(
  policy: PolicyInfo,
  level: EnforcementLevel,
  diagnostics: Diagnostic[],
  applicability: { resourceNotApplicable: boolean; stackNotApplicable: boolean },
): PolicyStatus {
  if (level === "disabled") return "disabled";
  const violations = diagnostics.filter((diagnostic) => !PREVIEW_UNKNOWN.test(diagnostic.message));
  if (violations.length > 0) return "violation";
  if (diagnostics.length > 0) return "unknown at preview";
  if (policy.type === "stack" ? applicability.stackNotApplicable : applicability.resourceNotApplicable)
    return "not applicable";
  return "pass";
}
