// Runs one of the project's command-line tools as a user would (`npm run <tool> -- …`), capturing its streams.
import { execFile, execFileSync } from "node:child_process";
import * as path from "node:path";

export { PROJECT_ROOT as ROOT } from "../../tools/lib/projectRoot";
import { PROJECT_ROOT as ROOT } from "../../tools/lib/projectRoot";

/** How the npm scripts run a TypeScript file of the project: `node tools/run.cjs <file.ts> …`. */
export const RUNNER = path.join(ROOT, "tools", "run.cjs");

/** The transpiled copy the runner runs the current sources from, built when missing. */
export function transpiledCopy(): string {
  return execFileSync(
    process.execPath,
    ["-e", `process.stdout.write(require(${JSON.stringify(RUNNER)}).compiledTree())`],
    {
      encoding: "utf8",
    },
  );
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** tools/<tool>.ts as its npm script runs it (tools/run.cjs), with the project root as the working directory. */
export function runTool(tool: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [RUNNER, path.join(ROOT, "tools", `${tool}.ts`), ...args],
      { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}
