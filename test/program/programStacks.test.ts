// A program's bug is reported with its message, and with its source-mapped frames on request: the gate runs
// programs without stack frames because capturing them for every SDK promise is most of a run's time.
import { execFile } from "node:child_process";
import * as path from "node:path";
import { describe, it } from "vitest";
import { ROOT, RUNNER } from "../support/runTool";

function crashReport(env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [RUNNER, path.join(ROOT, "test", "support", "crashReport.ts")],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 110_000 },
      (error, stdout, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve(stdout)),
    ),
  );
}

describe("a program that throws", () => {
  it.concurrent("exits 4 with the program's message and says how to get its stack", async ({ expect }) => {
    const lines = (await crashReport({ FLEETDB_PROGRAM_STACKS: "" })).trim().split("\n");
    expect(lines).toEqual([
      "exit 4",
      "fleetdb failed (a bug, exit 4): Error: the program broke",
      "(run again with FLEETDB_PROGRAM_STACKS=1 for the program's stack)",
    ]);
  });

  it.concurrent(
    "with FLEETDB_PROGRAM_STACKS=1, shows the program's frames at their TypeScript lines",
    async ({ expect }) => {
      const lines = (await crashReport({ FLEETDB_PROGRAM_STACKS: "1" })).trim().split("\n");
      expect(lines.slice(0, 2)).toEqual(["exit 4", "fleetdb failed (a bug, exit 4): Error: the program broke"]);
      expect(lines[2]).toMatch(/^\s+at explode \(.*test\/fixtures\/programs\/crashing\.ts:3:9\)$/);
    },
  );
});
