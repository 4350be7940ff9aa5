// Runs test/fixtures/programs/crashing.ts under the mock runtime and prints what a tool would print for it.
import * as path from "node:path";
import { failureOf } from "../../tools/lib/cli";
import { runProgram } from "../../tools/lib/mockRuntime";

runProgram({
  config: {},
  secretKeys: [],
  stack: "crash",
  preview: true,
  entry: path.join(__dirname, "..", "fixtures", "programs", "crashing"),
}).then(
  () => process.stdout.write("no error\n"),
  (error: unknown) => {
    const failure = failureOf(error);
    process.stdout.write(`exit ${failure.code}\n${failure.lines.join("\n")}\n`);
  },
);
