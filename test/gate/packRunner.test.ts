// The gate's pack process (tools/lib/policyPackRunner.ts) against @pulumi/pulumi's own run-policy-pack entry, the
// one the CLI starts, on the same compiled pack: the same policies served, the same failure for a broken pack.
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, expect, test } from "vitest";
import { compiledPack } from "../../tools/lib/compiledPack";
import { PolicyPackProcess } from "../../tools/lib/policyEngine";
import { POLICY_PACK_DIR, startPackServer, type PackServer } from "../../tools/lib/policyPackServer";
import { ROOT } from "../support/runTool";

/** The pack as the CLI runs it: the runner's own entry, from the pack's directory. */
function cliPackServer(packDir: string): PackServer {
  const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
  const child = spawn(process.execPath, [runner, "127.0.0.1:0", compiledPack(packDir)], {
    cwd: packDir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const port = new Promise<number>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.on("exit", (code) => reject(new Error(`the policy pack exited (${code}) before serving:\n${stderr}`)));
  });
  port.catch(() => undefined);
  return { child, port };
}

/** A pack whose module throws as it loads, inside the project (so the runner resolves from it). */
const BROKEN_PACK = path.join(ROOT, "node_modules", ".cache", "fleetdb-test-packs", "throws-on-load");
afterAll(() => rmSync(BROKEN_PACK, { recursive: true, force: true }));

test("serves the project's pack: the same pack and policies, with their levels and schemas, as the CLI's runner", async () => {
  const ours = await PolicyPackProcess.connect(startPackServer(POLICY_PACK_DIR));
  const theirs = await PolicyPackProcess.connect(cliPackServer(POLICY_PACK_DIR));
  try {
    const [info, expected] = await Promise.all([ours.info(), theirs.info()]);
    expect(info.name).toBe("fleetdb-guardrails");
    expect(info.policies.length).toBeGreaterThan(5);
    expect(info).toEqual(expected);
  } finally {
    ours.close();
    theirs.close();
  }
}, 60_000);

test("a pack that throws as it loads: the same exit code (32: reported) and the same report as the CLI's runner", async () => {
  mkdirSync(BROKEN_PACK, { recursive: true });
  writeFileSync(
    path.join(BROKEN_PACK, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { target: "ES2022", module: "commonjs", strict: true, types: [] } }),
  );
  writeFileSync(path.join(BROKEN_PACK, "index.ts"), 'throw new Error("the pack cannot start");\n');
  const failure = (server: PackServer) => server.port.then(String, (error: Error) => error.message);
  const [ours, theirs] = await Promise.all([
    failure(startPackServer(BROKEN_PACK)),
    failure(cliPackServer(BROKEN_PACK)),
  ]);
  // Without stack frames: the two runners' source-map hooks name a frame or two differently.
  const report = (message: string) =>
    message
      .replace(/\u001b\[[0-9;]*m/g, "")
      .split("\n")
      .filter((line) => !/^\s+at /.test(line))
      .join("\n");
  expect(report(ours)).toMatch(
    /^the policy pack exited \(32\) before serving:\nerror: \[runtime\] Running program '.*index\.js' failed with an unhandled exception:\n\s+Error: the pack cannot start/,
  );
  expect(report(ours)).toBe(report(theirs));
}, 60_000);
