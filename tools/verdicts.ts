// npm run verdicts: does the offline gate's verdict match what `pulumi preview --policy-pack` really said?
import { readFileSync } from "node:fs";
import { Option } from "commander";
import { BadInput, EXIT, runTool, toolCommand } from "./lib/cli";
import { verdictDifferences, verdictsFromEventLog, verdictsFromGate } from "./lib/previewVerdict";

async function main(argv: string[]): Promise<number> {
  const program = toolCommand(
    "verdicts",
    "Compare `npm run gate -- --json` with the policy events of `pulumi preview --policy-pack policies --event-log <file>`: " +
      "exit 1 when a policy's violations or their level differ.",
  )
    .addOption(new Option("--gate <file>", "the gate's --json report").makeOptionMandatory())
    .addOption(new Option("--events <file>", "pulumi preview's --event-log file").makeOptionMandatory());
  program.parse(argv);
  const options = program.opts<{ gate: string; events: string }>();
  let gate;
  let engine;
  try {
    const report = JSON.parse(readFileSync(options.gate, "utf8")) as { pack?: { name?: string } };
    gate = verdictsFromGate(report);
    engine = verdictsFromEventLog(readFileSync(options.events, "utf8"), report.pack?.name ?? "fleetdb-guardrails", [
      ...gate.keys(),
    ]);
  } catch (error) {
    throw new BadInput([(error as Error).message]);
  }
  const differences = verdictDifferences(gate, engine);
  for (const difference of differences) process.stderr.write(`disagree: ${difference}\n`);
  process.stdout.write(differences.length === 0 ? "the gate and pulumi preview agree on every policy\n" : "");
  return differences.length === 0 ? EXIT.clean : EXIT.checkFailed;
}

if (require.main === module) runTool(() => main(process.argv));
