// The gate's pack process (tools/lib/policyPackRunner.ts) against @pulumi/pulumi's own run-policy-pack entry, the
// one the CLI starts, on the same compiled pack: the same policies and verdict, the same failure for a broken pack.
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, expect, test } from "vitest";
import { compiledPack } from "../../tools/lib/compiledPack";
import { runProgram } from "../../tools/lib/mockRuntime";
import { PolicyPackProcess } from "../../tools/lib/policyEngine";
import { POLICY_PACK_DIR, startPackServer, type PackServer } from "../../tools/lib/policyPackServer";
import { PolicyJudge } from "../../tools/lib/policyVerdict";
import { readStackFile, stackFilePath } from "../../tools/lib/stackFile";
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

test("serves the project's pack: the same policies, levels and schemas, and the same verdict over prod, as the CLI's runner", async () => {
  const file = readStackFile(stackFilePath("prod"));
  const run = await runProgram({ config: file.config, secretKeys: file.secretKeys, stack: "prod", preview: true });
  const servers = [startPackServer(POLICY_PACK_DIR), cliPackServer(POLICY_PACK_DIR)];
  try {
    const [ours, theirs] = await Promise.all(servers.map((server) => PolicyPackProcess.connect(server)));
    const [info, expectedInfo] = await Promise.all([ours.info(), theirs.info()]);
    expect(info.name).toBe("fleetdb-guardrails");
    expect(info.policies.length).toBeGreaterThan(5);
    expect(info).toEqual(expectedInfo);

    const verdictOf = (pack: PolicyPackProcess) => {
      const judge = new PolicyJudge(Promise.resolve(pack), { stack: "prod", preview: true });
      for (const resource of run.resources) judge.analyze(resource, run.resources);
      return judge.finish(run);
    };
    const [verdict, expectedVerdict] = await Promise.all([verdictOf(ours), verdictOf(theirs)]);
    expect(verdict.outcomes.filter((outcome) => outcome.status === "pass").length).toBeGreaterThan(5);
    expect(verdict).toEqual(expectedVerdict);
  } finally {
    for (const server of servers) server.child.kill("SIGKILL");
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
