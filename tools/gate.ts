// npm run gate: the policy pack over the stack's program, offline (no Pulumi CLI, no cloud credentials, no database).
import { Option, type Command } from "commander";
import { toolCommand, withStackOptions } from "./lib/command";
import { exitOnSignals } from "./lib/exitCodes";
import type { GateOptions } from "./lib/gateCommand";
import { startPackServer, type PackServer } from "./lib/policyPackServer";

function gateCommandLine(): Command {
  return withStackOptions(
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
}

if (require.main === module) {
  exitOnSignals(); // before the pack exists: an interrupted gate never leaves it behind
  const program = gateCommandLine();
  let options: GateOptions | undefined;
  let refusal: unknown;
  try {
    program.parse(process.argv);
    options = program.opts<GateOptions>();
  } catch (error) {
    refusal = error; // --help, an unknown option: reported as every tool reports them, with no pack started
  }
  // The pack starts once the options are read and before anything else loads: its start-up (the SDKs and a
  // compiler) is the longest wait of a gate run, and runs beside all this process does.
  let pack: PackServer | Error = new Error("no pack");
  if (options) {
    try {
      pack = startPackServer();
    } catch (error) {
      pack = error instanceof Error ? error : new Error(String(error));
    }
  }
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded once the pack is starting */
  const { runTool } = require("./lib/cli") as typeof import("./lib/cli");
  const { gateCommand } = require("./lib/gateCommand") as typeof import("./lib/gateCommand");
  /* eslint-enable @typescript-eslint/no-require-imports */
  runTool(async () => {
    if (!options) throw refusal;
    return gateCommand(options, pack);
  });
}
