// A program that leaves promises pending fails as the SDK fails it under the engine ("The Pulumi runtime
// detected that … promises were still active", exit 1), with the SDK's diagnostics off as tools run programs.
import { execFile } from "node:child_process";
import * as path from "node:path";
import { expect, test } from "vitest";
import { ROOT, RUNNER } from "../support/runTool";

test.each([
  ["as tools run programs", ""],
  ["with FLEETDB_PROGRAM_STACKS=1", "1"],
])(
  "a program that never finishes registering exits 1 with the SDK's leak report, %s",
  async (_title, stacks) => {
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        [RUNNER, path.join(ROOT, "test", "support", "leakReport.ts")],
        { cwd: ROOT, env: { ...process.env, FLEETDB_PROGRAM_STACKS: stacks }, timeout: 110_000 },
        (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
      );
    });
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^The Pulumi runtime detected that \d+ promises were still active\n/);
    expect(result.code).toBe(1);
  },
  120_000,
);
