// The gate's command line: reads the options and the stack, runs the gate with a pack already starting, prints.
import { Option } from "commander";
import { EXIT, loadStack, toolCommand, withStackOptions, type StackOptions } from "./cli";
import { renderJson, renderText } from "./gateReport";
import type { PackServer } from "./policyPackServer";

interface GateOptions extends StackOptions {
  policyConfig?: string;
}

/** `pack`: the pack tools/gate.ts started first, or why it could not start (reported once the options are read). */
export async function gateCommand(argv: string[], pack: PackServer | Error): Promise<number> {
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
  if (pack instanceof Error) throw pack;

  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the Pulumi SDKs load after the options are good
  const { runGate } = require("./gateRun") as typeof import("./gateRun");
  const report = await runGate({ stack, file, policyConfig: options.policyConfig, server: pack });
  for (const warning of report.verdict.configWarnings) process.stderr.write(`warning: ${warning}\n`);
  process.stdout.write(options.json ? renderJson(report) : renderText(report));
  return report.verdict.failed ? EXIT.checkFailed : EXIT.clean;
}
