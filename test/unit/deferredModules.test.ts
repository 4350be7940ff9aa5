// tools/run.cjs defers the modules the Pulumi SDK loads at start-up but uses only to serialize a function
// (tools/deferredModules.cjs): they load on first use, and what they do then is what they do loaded up front.
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { expect, test } from "vitest";
import { ROOT, RUNNER, transpiledCopy } from "../support/runTool";

interface Probe {
  atStart: string[];
  text: string;
  afterSerializing: string[];
  codePaths: string[];
  afterCodePaths: string[];
}

const probe = (command: string[]): Probe =>
  JSON.parse(execFileSync(process.execPath, command, { cwd: ROOT, encoding: "utf8" })) as Probe;

test("under the launcher the SDK starts without them; each loads when used, with the same results as loaded up front", () => {
  const launched = probe([RUNNER, path.join(ROOT, "test", "support", "deferredModulesProbe.ts")]);
  // The same transpiled probe, run by plain node: nothing deferred.
  const plain = probe([path.join(transpiledCopy(), "test", "support", "deferredModulesProbe.js")]);

  expect(plain.atStart).toEqual(["typescript", "arborist", "normalizePackageData"]);
  expect(launched.atStart).toEqual([]);
  expect(launched.afterSerializing).toEqual(["typescript"]);
  expect(launched.afterCodePaths).toEqual(["typescript", "arborist", "normalizePackageData"]);

  expect(launched.text).toContain("with({ answer: 42");
  expect(launched.text).toBe(plain.text);
  expect(launched.codePaths).toContain("node_modules/@grpc/grpc-js");
  expect(launched.codePaths).toEqual(plain.codePaths);
}, 60_000);
