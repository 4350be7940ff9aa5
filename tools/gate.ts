// npm run gate: the policy pack over the stack's program, offline (no Pulumi CLI, no cloud credentials, no database).
import * as path from "node:path";
import { Option } from "commander";
import { budgetFromResources } from "../policies/core/budgetFromResources";
import { computeBudget, type ConnectionBudget } from "../policies/core/connectionBudget";
import { TYPES } from "../policies/core/resourceTypes";
import { BadInput, EXIT, loadStack, runTool, toolCommand, withStackOptions, type StackOptions } from "./lib/cli";
import { renderJson, renderText } from "./lib/gateReport";
import { runProgram } from "./lib/mockRuntime";
import { PolicyConfigError } from "./lib/policyPackConfig";
import { PolicyPackProcess } from "./lib/policyEngine";
import { judgeRun } from "./lib/policyVerdict";
import { stackPolicyResources } from "./lib/stackPolicyResources";

interface GateOptions extends StackOptions {
  policyConfig?: string;
}

async function main(argv: string[]): Promise<number> {
  const program = withStackOptions(
    toolCommand(
      "gate",
      "Validate the stack's config, run index.ts under Pulumi's mock runtime (as a preview), and apply the policy pack in policies/ " +
        "with the engine's semantics: the verdict `pulumi preview --policy-pack policies` gives, without the CLI, credentials or a database.",
    ).addOption(
      new Option(
        "-p, --policy-config <file>",
        "policy pack config, in the format of `pulumi preview --policy-pack-config`",
      ),
    ),
  );
  program.parse(argv);
  const options = program.opts<GateOptions>();

  const { stack, file } = loadStack(options);
  for (const placeholder of file.placeholders)
    process.stderr.write(
      `note: ${placeholder} is a secret; offline it is a placeholder (no policy reads secret values)\n`,
    );

  // The pack starts while the program runs: neither waits for the other.
  const pack = PolicyPackProcess.start();
  pack.catch(() => undefined); // its failure is reported where it is awaited, not as an unhandled rejection
  let run;
  try {
    run = await runProgram({ config: file.config, secretKeys: file.secretKeys, stack, preview: true });
  } catch (error) {
    await pack.then(
      (started) => started.close(),
      () => undefined,
    );
    throw error;
  }
  let verdict;
  try {
    verdict = await judgeRun(run, { stack, policyConfigFile: options.policyConfig, preview: true, pack });
  } catch (error) {
    if (error instanceof PolicyConfigError) throw new BadInput(error.problems);
    throw error;
  }
  for (const warning of verdict.configWarnings) process.stderr.write(`warning: ${warning}\n`);
  // The policy's own computation, with the ceiling the pack was configured with (its schema supplies the default).
  const ceiling = Number(verdict.config.get("connection-budget")!.properties.maxConnectionsCeiling);
  const budget = computeBudget(budgetFromResources(stackPolicyResources(run), ceiling).input);
  const stackOutputs = run.resources.find((resource) => resource.type === TYPES.stack)?.outputs ?? {};
  assertBudgetAgreement(stackOutputs.connectionBudget, budget);
  const report = {
    stack,
    file: path.relative(process.cwd(), file.path) || file.path,
    resources: run.resources.length,
    placeholders: file.placeholders,
    verdict,
    budget,
  };
  process.stdout.write(options.json ? renderJson(report) : renderText(report));
  return verdict.failed ? EXIT.checkFailed : EXIT.clean;
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

if (require.main === module) runTool(() => main(process.argv));
