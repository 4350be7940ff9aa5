// Runs the policy pack over a captured program run with the engine's semantics and sums up each policy's outcome.
import pLimit from "p-limit";
import { PROJECT, type ProgramRun, type RegisteredResource } from "./mockRuntime";
import type { AnalysisResult, Diagnostic, PolicyPackProcess } from "./policyEngine";
import {
  policyConfigWarnings,
  reconcilePolicyConfig,
  type EnforcementLevel,
  type GivenConfig,
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

/** Enough to keep both processes busy; few enough that the requests' protobufs stay small in memory. */
const ANALYZE_REQUESTS_IN_FLIGHT = 16;

/** The SDK's message for a policy that touched a value unknown at preview (always advisory). */
const PREVIEW_UNKNOWN = /^can't run policy '[^']+' from policy pack '[^']+' during preview/;

/**
 * The engine's side of a policy run: configures the pack as the CLI would (defaults, `all`, per-policy
 * entries, JSON-schema validation), runs resource policies on each resource's inputs as it registers, as
 * `pulumi preview` does, and stack policies on all outputs once the program is done.
 */
export class PolicyJudge {
  private readonly configured: Promise<{ pack: PolicyPackProcess; info: PackInfo; config: Map<string, PolicyConfig> }>;
  private readonly analyses: Promise<AnalysisResult>[] = [];
  // Requests in flight overlap the pack's work with the program's; results are read in registration order.
  private readonly inFlight = pLimit(ANALYZE_REQUESTS_IN_FLIGHT);
  private closed = false;

  /** `pack`: a pack already starting (the gate starts it before the program); closed by finish or abort. */
  constructor(
    private readonly pack: Promise<PolicyPackProcess>,
    options: { stack: string; policyConfigFile?: string; preview: boolean },
  ) {
    this.configured = pack.then(async (started) => {
      const given = options.policyConfigFile ? readPolicyConfigFile(options.policyConfigFile) : {};
      const info = await started.info();
      const config = reconcilePolicyConfig(info.policies, given);
      await started.configure(config);
      await started.configureStack(options.stack, PROJECT, options.preview);
      return { pack: started, info: { ...info, given }, config };
    });
    this.configured.catch(() => undefined); // reported by finish
  }

  /** Resource policies on one resource's inputs, once the pack is configured; `registered` holds its provider. */
  analyze(resource: RegisteredResource, registered: readonly RegisteredResource[]): void {
    const analysis = this.configured.then(({ pack }) => this.inFlight(() => pack.analyze(resource, registered)));
    analysis.catch(() => undefined); // reported by finish
    this.analyses.push(analysis);
  }

  /**
   * Stack policies over the whole run, then each policy's outcome. Closes the pack. The stack's request goes
   * as soon as the program is done, beside the resource requests still queued: each request stands alone
   * (a policy sees one resource or the whole stack), so the pack's order of work changes no outcome.
   */
  async finish(run: ProgramRun): Promise<Verdict> {
    try {
      const { pack, info, config } = await this.configured;
      const [stackAnalysis, analyses] = await Promise.all([pack.analyzeStack(run), Promise.all(this.analyses)]);
      return verdictOf(run, info, config, analyses, stackAnalysis);
    } finally {
      this.abort();
    }
  }

  /** Stops the pack (the program failed, or the verdict is in). */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    this.pack.then(
      (started) => started.close(),
      () => undefined,
    );
  }
}

type PackInfo = Awaited<ReturnType<PolicyPackProcess["info"]>> & { given: GivenConfig };

function verdictOf(
  run: ProgramRun,
  info: PackInfo,
  config: Map<string, PolicyConfig>,
  analyses: AnalysisResult[],
  stackAnalysis: AnalysisResult,
): Verdict {
  const diagnostics: Diagnostic[] = [];
  const notApplicable = new Map<string, number>();
  const reasons = new Map<string, string>();
  for (const analysis of analyses) {
    diagnostics.push(...analysis.diagnostics);
    for (const [policy, why] of analysis.notApplicable) {
      notApplicable.set(policy, (notApplicable.get(policy) ?? 0) + 1);
      reasons.set(policy, why[0]);
    }
  }
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
      status === "not applicable" ? (stackNotApplicable.get(policy.name)?.[0] ?? reasons.get(policy.name)) : undefined;
    return { ...policy, effectiveLevel, status, diagnostics: own, notApplicableReason };
  });
  const failed = diagnostics.some(
    (diagnostic) => diagnostic.enforcementLevel === "mandatory" || diagnostic.enforcementLevel === "remediate",
  );
  const configWarnings = policyConfigWarnings(info.policies, info.given);
  return { pack: { name: info.name, version: info.version }, outcomes, config, failed, configWarnings };
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
