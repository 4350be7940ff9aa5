// npm run gate: the policy pack over the stack's program, offline (no Pulumi CLI, no cloud credentials, no database).
import * as path from "node:path";
import { Option } from "commander";
import { budgetFromResources } from "../policies/core/budgetFromResources";
import { computeBudget } from "../policies/core/connectionBudget";
import { BadInput, EXIT, loadStack, runTool, toolCommand, withStackOptions, type StackOptions } from "./lib/cli";
import { renderJson, renderText } from "./lib/gateReport";
import { runProgram } from "./lib/mockRuntime";
import { PolicyConfigError } from "./lib/policyPackConfig";
import { judgeRun } from "./lib/policyVerdict";
import { stackView } from "./lib/stackView";

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

  const run = await runProgram({ config: file.config, secretKeys: file.secretKeys, stack, preview: true });
  let verdict;
  try {
    verdict = await judgeRun(run, { stack, policyConfigFile: options.policyConfig, preview: true });
  } catch (error) {
    if (error instanceof PolicyConfigError) throw new BadInput(error.problems);
    throw error;
  }
  for (const warning of verdict.configWarnings) process.stderr.write(`warning: ${warning}\n`);
  const ceiling = Number(verdict.config.get("connection-budget")?.properties.maxConnectionsCeiling ?? 100);
  const budget = computeBudget(budgetFromResources(stackView(run), ceiling).input);
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

if (require.main === module) runTool(() => main(process.argv));
