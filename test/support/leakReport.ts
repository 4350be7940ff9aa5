// Runs test/fixtures/programs/leaking.ts under the mock runtime, as a tool would, and lets the process end
// with its promises pending: what the SDK reports then is the test's (test/program/promiseLeaks.test.ts).
import * as path from "node:path";
import { runProgram } from "../../tools/lib/mockRuntime";
import { PROJECT_ROOT, TRANSPILED_COPY } from "../../tools/lib/projectRoot";

void runProgram({
  config: {},
  secretKeys: [],
  stack: "leak",
  preview: true,
  entry: path.join(TRANSPILED_COPY ?? PROJECT_ROOT, "test", "fixtures", "programs", "leaking"),
}).then(() => process.stdout.write("the program finished\n"));
