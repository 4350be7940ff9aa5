// A careless environment fails fast: a folder the postgres OS user cannot enter is named, with the fix.
import { chmodSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { expect, test } from "vitest";
import { untraversableAncestor, within } from "../support/serverPreflight";

test("the first folder other users cannot enter is found, with its mode", () => {
  const top = mkdtempSync(path.join(tmpdir(), "fleetdb-preflight-"));
  const locked = path.join(top, "locked");
  mkdirSync(path.join(locked, "inner"), { recursive: true });
  chmodSync(top, 0o755);
  chmodSync(locked, 0o700);
  expect(untraversableAncestor(path.join(locked, "inner", "data"))).toEqual({ folder: locked, mode: "0700" });
  chmodSync(locked, 0o755);
  expect(untraversableAncestor(path.join(locked, "inner", "data"))).toBeUndefined();
});

test("a child that never answers ends in a bounded wait that says what it last printed", async () => {
  const never = new Promise<void>(() => undefined);
  await expect(within(0.05, "initdb", never, () => "spawn initdb EACCES")).rejects.toThrow(
    "initdb did not finish within 0.05 s; its last output: spawn initdb EACCES",
  );
});
