// npm run gate runs from the transpiled copy tools/run.cjs keeps: the dynamic providers' code, serialized by the
// SDK on a copy's first run, is stored for that copy and read by the next, and both runs give the same report.
import { readFileSync, rmSync } from "node:fs";
import { expect, test } from "vitest";
import { serializationStore, type SerializedFunction } from "../../tools/lib/providerSerializations";
import { runTool, transpiledCopy } from "../support/runTool";

test("the first run stores RoleSetting's and SuperuserPassword's code as the SDK serialized it; the next, the same report", async () => {
  const tree = transpiledCopy();
  const store = serializationStore(tree);
  rmSync(store, { force: true });

  const first = await runTool("gate", ["--stack", "prod", "--json"]);
  expect(first.code).toBe(0);
  const stored = JSON.parse(readFileSync(store, "utf8")) as Record<string, SerializedFunction>;
  const entries = Object.values(stored);
  expect(entries).toHaveLength(2);
  for (const entry of entries) expect(entry).toMatchObject({ exportName: "handler", containsSecrets: false });
  expect(entries.every((entry) => entry.text.startsWith("exports.handler = "))).toBe(true);
  expect(new Set(entries.map((entry) => entry.text)).size).toBe(2);

  const second = await runTool("gate", ["--stack", "prod", "--json"]);
  expect(second).toEqual(first);
  expect(JSON.parse(readFileSync(store, "utf8"))).toEqual(stored);
}, 120_000);
