// npm run gate: the policy pack over the stack's program, offline (no Pulumi CLI, no cloud credentials, no database).
import { Option } from "commander";
import { EXIT, loadStack, runTool, toolCommand, withStackOptions, type StackOptions } from "./lib/cli";
import { renderJson, renderText } from "./lib/gateReport";
import { startPackServer } from "./lib/policyPackServer";

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

  // The pack starts before this process loads the Pulumi SDKs: its start-up and ours overlap.
  const server = startPackServer();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the pack has started
  const { runGate } = require("./lib/gateRun") as typeof import("./lib/gateRun");
  const report = await runGate({ stack, file, policyConfig: options.policyConfig, server });
  for (const warning of report.verdict.configWarnings) process.stderr.write(`warning: ${warning}\n`);
  process.stdout.write(options.json ? renderJson(report) : renderText(report));
  return report.verdict.failed ? EXIT.checkFailed : EXIT.clean;
}

if (require.main === module) runTool(() => main(process.argv));
