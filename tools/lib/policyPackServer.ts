// Starts the policy pack's gRPC server with the CLI's runner (policyPackRunner.ts). Light on imports, so a
// tool can start it before it loads the Pulumi SDKs and let the pack's own start-up run beside its work.
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { compiledPack } from "./compiledPack";
import { PROJECT_ROOT } from "./projectRoot";

export const POLICY_PACK_DIR = path.join(PROJECT_ROOT, "policies");

/** A pack process and the port it serves on, once it has printed it. */
export interface PackServer {
  child: ChildProcess;
  port: Promise<number>;
}

/** The pack's process: the CLI's runner for a pack compiled once (policyPackRunner.ts), through the launcher. */
const PACK_RUNNER = [
  path.join(PROJECT_ROOT, "tools", "run.cjs"),
  path.join(PROJECT_ROOT, "tools", "lib", "policyPackRunner.ts"),
];

/**
 * Runs `policies/` from its own directory with @pulumi/pulumi's run-policy-pack, as `pulumi preview
 * --policy-pack policies` does, on the pack compiled once. Throws PackTypeError when the pack does not
 * compile.
 */
export function startPackServer(packDir = POLICY_PACK_DIR): PackServer {
  // Type-checked once per content (PackTypeError when it does not compile), then run as JavaScript.
  const entry = compiledPack(packDir);
  const child = spawn(process.execPath, [...PACK_RUNNER, "127.0.0.1:0", entry], {
    cwd: packDir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  // The pack never outlives the tool, however the tool ends (runTool turns SIGINT/SIGTERM into an exit).
  // SIGKILL: the policy server outlasts a SIGTERM while a client it served has gone away.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.removeListener("exit", killOnExit));
  const port = new Promise<number>((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^(\d+)\s*$/m.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code) =>
      reject(new Error(`the policy pack exited (${code}) before serving:\n${stderr || stdout}`)),
    );
    child.on("error", reject);
  });
  port.catch(() => undefined); // reported where it is awaited
  return { child, port };
}
