// npm run gate runs from the transpiled copy tools/run.cjs keeps: the dynamic providers' code, serialized by the
// SDK on a first run, is stored beside it and reused by the next, and both runs give the same report.
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { expect, test } from "vitest";
import type { SerializedFunction } from "../../tools/lib/providerSerializations";
import { ROOT, runTool } from "../support/runTool";

const STORE = path.join(ROOT, "node_modules", ".cache", "fleetdb-providers");

test("two gate runs: the same report, and the providers' serializations kept for the sources' copy", async () => {
  const first = await runTool("gate", ["--stack", "dev", "--json"]);
  const second = await runTool("gate", ["--stack", "dev", "--json"]);
  expect(first.code).toBe(0);
  expect(second).toEqual(first);

  // One file per copy of the sources (other runs of the suite may have left theirs): ours holds RoleSetting's
  // and SuperuserPassword's providers as the SDK serialized them.
  const files = readdirSync(STORE).filter((name) => name.endsWith(".json"));
  const stores = files.map(
    (name) => Object.values(JSON.parse(readFileSync(path.join(STORE, name), "utf8")) as object) as SerializedFunction[],
  );
  const complete = stores.filter(
    (entries) => entries.length >= 2 && entries.some((entry) => entry.text.includes("ALTER ROLE")),
  );
  expect(complete.length).toBeGreaterThan(0);
  for (const entry of complete[0]) expect(entry).toMatchObject({ exportName: "handler", containsSecrets: false });
}, 120_000);
