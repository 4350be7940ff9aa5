// The pack is type-checked once per content and then run as JavaScript: a type error still fails, as
// ts-node fails it under the CLI, and unchanged sources reuse the compiled copy.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { expect, test } from "vitest";
import { failureOf } from "../../tools/lib/cli";
import { compiledPack, PackTypeError } from "../../tools/lib/compiledPack";
import { POLICY_PACK_DIR } from "../../tools/lib/policyPackServer";
import { PROJECT_ROOT } from "../../tools/lib/projectRoot";

// Inside the project, so the copy resolves @pulumi/policy from the project's node_modules like the pack does.
const scratch = path.join(PROJECT_ROOT, "node_modules", ".cache", "fleetdb-pack-test");
mkdirSync(scratch, { recursive: true });

function packCopy(): string {
  const dir = mkdtempSync(path.join(scratch, "pack-"));
  cpSync(POLICY_PACK_DIR, dir, { recursive: true, filter: (source) => !source.includes("node_modules") });
  return dir;
}

/** What compiling the pack in `dir` throws; fails the test unless that is a PackTypeError. */
function compileFailure(dir: string): PackTypeError {
  try {
    compiledPack(dir, path.join(dir, ".cache"));
  } catch (error) {
    expect(error).toBeInstanceOf(PackTypeError);
    return error as PackTypeError;
  }
  throw new Error("the pack compiled");
}

test("a pack with a type error does not compile, and the error names the file and line", () => {
  const dir = packCopy();
  const file = path.join(dir, "policies.ts");
  writeFileSync(file, `${readFileSync(file, "utf8")}\nexport const broken: number = "not a number";\n`);
  const failure = compileFailure(dir);
  expect(failure.diagnostics).toEqual([
    expect.stringMatching(/policies\.ts\(\d+,14\): error TS2322: Type 'string' is not assignable to type 'number'\./),
  ]);
}, 120_000);

test("a tsconfig the CLI's runner refuses as it registers ts-node (an unknown option) fails here too", () => {
  const dir = packCopy();
  const tsconfig = path.join(dir, "tsconfig.json");
  const config = JSON.parse(readFileSync(tsconfig, "utf8")) as { compilerOptions: Record<string, unknown> };
  writeFileSync(tsconfig, JSON.stringify({ ...config, compilerOptions: { ...config.compilerOptions, strictt: true } }));
  const failure = compileFailure(dir);
  expect(failure.diagnostics.join("\n")).toMatch(/error TS5025: Unknown compiler option 'strictt'/);

  // The CLI's own runner on the TypeScript pack, as `pulumi preview --policy-pack` starts it.
  const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [dir] });
  const cli = spawnSync(process.execPath, [runner, "127.0.0.1:0", "."], {
    cwd: dir,
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(cli.status).not.toBe(0);
  expect(cli.stderr).toMatch(/error TS5025: Unknown compiler option 'strictt'/);
}, 120_000);

test("unchanged sources reuse the compiled pack; a change compiles anew", () => {
  const dir = packCopy();
  const cache = path.join(dir, ".cache");
  const first = compiledPack(dir, cache);
  expect(compiledPack(dir, cache)).toBe(first);
  const file = path.join(dir, "policies.ts");
  writeFileSync(file, `${readFileSync(file, "utf8")}\n// a comment changes the content\n`);
  const second = compiledPack(dir, cache);
  expect(second).not.toBe(first);
  expect(readFileSync(path.join(path.dirname(second), "policies.js"), "utf8")).toContain("fleetdb-guardrails");
}, 120_000);

test("the gate reports a pack that does not compile as a failed check (exit 1), with the compiler's lines", () => {
  expect(failureOf(new PackTypeError(["policies.ts(3,14): error TS2322: …"]))).toEqual({
    code: 1,
    lines: ["error: the policy pack does not compile:", "  policies.ts(3,14): error TS2322: …"],
  });
});
