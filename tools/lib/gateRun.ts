// The gate's work once its pack is starting: the program under mocks, the pack's verdict, the budget's agreement.
import * as path from "node:path";
import { budgetFromResources } from "../../policies/core/budgetFromResources";
import { computeBudget, type ConnectionBudget } from "../../policies/core/connectionBudget";
import { TYPES } from "../../policies/core/resourceTypes";
import { BadInput } from "./toolErrors";
import type { GateReport } from "./gateReport";
import { runProgram } from "./mockRuntime";
import { PolicyConfigError } from "./policyPackConfig";
import { PolicyPackProcess } from "./policyEngine";
import type { PackServer } from "./policyPackServer";
import { PolicyJudge } from "./policyVerdict";
import { stackPolicyResources } from "./stackPolicyResources";
import type { StackFile } from "./stackFile";

export async function runGate(options: {
  stack: string;
  file: StackFile;
  policyConfig?: string;
  server: PackServer;
}): Promise<GateReport> {
  const { stack, file } = options;
  const judge = new PolicyJudge(PolicyPackProcess.connect(options.server), {
    stack,
    policyConfigFile: options.policyConfig,
    preview: true,
  });
  let run;
  try {
    // Each resource goes to the pack as it registers, as the engine sends it: the pack works beside the program.
    run = await runProgram({
      config: file.config,
      secretKeys: file.secretKeys,
      stack,
      preview: true,
      onRegistered: (resource, registered) => judge.analyze(resource, registered),
    });
  } catch (error) {
    judge.abort();
    options.server.child.kill();
    throw error;
  }
  let verdict;
  try {
    verdict = await judge.finish(run);
  } catch (error) {
    if (error instanceof PolicyConfigError) throw new BadInput(error.problems);
    throw error;
  }
  // The policy's own computation, with the ceiling the pack was configured with (its schema supplies the default).
  const ceiling = Number(verdict.config.get("connection-budget")!.properties.maxConnectionsCeiling);
  const budget = computeBudget(budgetFromResources(stackPolicyResources(run), ceiling).input);
  const stackOutputs = run.resources.find((resource) => resource.type === TYPES.stack)?.outputs ?? {};
  assertBudgetAgreement(stackOutputs.connectionBudget, budget);
  return {
    stack,
    file: path.relative(process.cwd(), file.path) || file.path,
    resources: run.resources.length,
    placeholders: file.placeholders,
    verdict,
    budget,
  };
}
/**
 * The program's connectionBudget output (from config) and the policy's computation (from the declared
 * resources) must be one budget: a difference is a bug in one of them, not something to report as drift.
 */
export function assertBudgetAgreement(exported: unknown, computed: ConnectionBudget): void {
  if (canonical(exported) !== canonical(computed)) {
    throw new Error(
      `the program's connectionBudget output disagrees with connection-budget's computation from the resources:\n  exported: ${JSON.stringify(exported)}\n  computed: ${JSON.stringify(computed)}`,
    );
  }
}

/**
 * JSON with keys and budget lines sorted: registered outputs come back with their keys reordered, and
 * resources register in an order of their own (a line is a line wherever it stands).
 */
function canonical(value: unknown): string {
  const sorted = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(sorted).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    if (node && typeof node === "object") {
      return Object.fromEntries(
        Object.entries(node)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, child]) => [key, sorted(child)]),
      );
    }
    return node;
  };
  return JSON.stringify(sorted(value));
}
