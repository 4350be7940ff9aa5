// Every stack and fixture registers exactly the resources, inputs and options recorded in __registrations__/.
// New opt-in features (the pooler, external mode) must leave stacks that do not use them unchanged; a
// deliberate change is recorded with `npx vitest run test/program/registrations.test.ts -u` and reviewed.
import { execFile } from "node:child_process";
import * as path from "node:path";
import { describe, it } from "vitest";
import { ROOT, RUNNER } from "../support/runTool";

const STACKS: { file: string; stack: string }[] = [
  { file: "Pulumi.prod.yaml", stack: "prod" },
  { file: "Pulumi.dev.yaml", stack: "dev" },
  ...["small", "alternating", "short-timeouts", "over-budget", "public-bind"].map((name) => ({
    file: `test/fixtures/${name}.yaml`,
    stack: name,
  })),
];

function dump(file: string, stack: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [RUNNER, path.join(ROOT, "test", "support", "registrationsDump.ts"), file, stack],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, timeout: 110_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`${stack}: ${stderr || error.message}`)) : resolve(stdout)),
    );
  });
}

describe("registrations", () => {
  it.concurrent.for(STACKS)("$stack registers what its snapshot records", async ({ file, stack }, { expect }) => {
    const registered = await dump(file, stack);
    await expect(registered).toMatchFileSnapshot(path.join("__registrations__", `${stack}.json`));
  });
});
