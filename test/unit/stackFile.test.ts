// The offline reader hands the program what the Pulumi CLI would for the same Pulumi.<stack>.yaml.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { readStackFile, StackFileError } from "../../tools/lib/stackFile";

const dir = mkdtempSync(path.join(tmpdir(), "fleetdb-stackfile-"));
function read(text: string) {
  const file = path.join(dir, "Pulumi.t.yaml");
  writeFileSync(file, text);
  return readStackFile(file);
}
function refusal(text: string): string {
  try {
    read(text);
  } catch (error) {
    if (error instanceof StackFileError) return error.message.replace(`${dir}/`, "");
    throw error;
  }
  throw new Error("not refused");
}

describe("top-level values are text, as config.Value reads them", () => {
  test.each([
    ["fleetdb:passwordRotation:", ""],
    ["fleetdb:passwordRotation: ~", ""],
    ["fleetdb:passwordRotation: null", ""],
    ["fleetdb:passwordRotation: 007", "007"],
    ["fleetdb:passwordRotation: 2026-11-22", "2026-11-22"],
    ["fleetdb:passwordRotation: '[2026]'", "[2026]"],
    ["fleetdb:passwordRotation: 1e3", "1e3"],
    ["fleetdb:passwordRotation: .inf", ".inf"],
  ])("%s", (line, text) => {
    expect(read(`config:\n  ${line}\n`).config["fleetdb:passwordRotation"]).toBe(text);
  });

  test("a mapping becomes JSON, nested secrets placeholders, and the key is marked secret", () => {
    const file = read(
      "config:\n  fleetdb:budget:\n    unmanaged:\n      a:\n        description:\n          secure: v1:x\n",
    );
    expect(JSON.parse(file.config["fleetdb:budget"]!)).toEqual({
      unmanaged: { a: { description: "offline-placeholder-for-fleetdb:budget.unmanaged.a.description" } },
    });
    expect(file.secretKeys).toEqual(["fleetdb:budget"]);
  });
});

describe("what the CLI refuses, the reader refuses", () => {
  test.each([
    [
      "a key without a namespace",
      "config:\n  server:\n    mode: embedded\n",
      'Pulumi.t.yaml: config: could not parse "server" as a configuration key (configuration keys should be of the form <namespace>:<name>, such as fleetdb:server)',
    ],
    [
      "an infinite number inside a section",
      "config:\n  fleetdb:server:\n    maxConnections: .inf\n",
      "Pulumi.t.yaml: fleetdb:server.maxConnections: .inf and .nan are not values Pulumi can pass (its config is JSON): expected a finite number",
    ],
    [
      "an alias bomb",
      "config:\n  fleetdb:a: &a [1,1,1,1,1,1,1,1,1,1]\n  fleetdb:b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n  fleetdb:c: [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n",
      "Pulumi.t.yaml: fleetdb:c: Excessive alias count indicates a resource exhaustion attack",
    ],
  ])("%s", (_name, text, message) => {
    expect(refusal(text)).toBe(message);
  });
});
