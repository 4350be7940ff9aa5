// The gate once its options are read: loads the stack, runs the gate with the pack already starting, prints.
import { EXIT, loadStack, type StackOptions } from "./cli";
import { renderJson, renderText } from "./gateReport";
import type { PackServer } from "./policyPackServer";

export interface GateOptions extends StackOptions {
  policyConfig?: string;
}

/** `pack`: the pack tools/gate.ts started first, or why it could not start (reported once the stack is read). */
export async function gateCommand(options: GateOptions, pack: PackServer | Error): Promise<number> {
  const { stack, file } = loadStack(options);
  for (const placeholder of file.placeholders)
    process.stderr.write(
      `note: ${placeholder} is a secret; offline it is a placeholder (no policy reads secret values)\n`,
    );
  if (pack instanceof Error) throw pack;

  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the Pulumi SDKs load after the stack is good
  const { runGate } = require("./gateRun") as typeof import("./gateRun");
  const report = await runGate({ stack, file, policyConfig: options.policyConfig, server: pack });
  for (const warning of report.verdict.configWarnings) process.stderr.write(`warning: ${warning}\n`);
  process.stdout.write(options.json ? renderJson(report) : renderText(report));
  return report.verdict.failed ? EXIT.checkFailed : EXIT.clean;
}
