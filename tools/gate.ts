// npm run gate: the policy pack over the stack's program, offline (no Pulumi CLI, no cloud credentials, no database).
import { exitOnSignals } from "./lib/exitCodes";
import { startPackServer, type PackServer } from "./lib/policyPackServer";

if (require.main === module) {
  exitOnSignals(); // before the pack exists: an interrupted gate never leaves it behind
  // The pack starts before anything else loads: its start-up (the SDKs and a compiler) is the longest wait of
  // a gate run, and runs beside all this process does. It is stopped when the process exits, however it exits.
  let pack: PackServer | Error;
  try {
    pack = startPackServer();
  } catch (error) {
    pack = error instanceof Error ? error : new Error(String(error));
  }
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded once the pack is starting */
  const { runTool } = require("./lib/cli") as typeof import("./lib/cli");
  const { gateCommand } = require("./lib/gateCommand") as typeof import("./lib/gateCommand");
  /* eslint-enable @typescript-eslint/no-require-imports */
  runTool(() => gateCommand(process.argv, pack));
}
