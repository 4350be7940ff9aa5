// A dynamic provider's serialized code is reused only for the same provider under the same key, is stored
// only when the SDK's serializer succeeds, and survives to the next process through its file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, expect, test } from "vitest";
import { reuseSerializations, type ClosureSerializer } from "../../tools/lib/providerSerializations";

const dir = mkdtempSync(path.join(tmpdir(), "fleetdb-serializations-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in for the SDK's module that says what it serialized and counts its calls. */
function countingSerializer(): ClosureSerializer & { calls: number } {
  const serializer = {
    calls: 0,
    async serializeFunction(func: () => unknown) {
      serializer.calls += 1;
      const provider = func() as { create(): string };
      if (provider.create() === "unserializable") throw new Error("cannot serialize a native handle");
      return { text: `exports.handler = ${String(provider.create)}`, exportName: "handler", containsSecrets: false };
    },
  };
  return serializer;
}

const provider = { create: () => "v1" };
const edited = { create: () => "v2" };

test("the same provider is serialized once; an edited one again; the file carries both to a new process", async () => {
  const file = path.join(dir, "a.json");
  const first = countingSerializer();
  reuseSerializations(first, file);
  const serialized = await first.serializeFunction(() => provider, { allowSecrets: true });
  expect(serialized.text).toBe('exports.handler = () => "v1"');
  expect(await first.serializeFunction(() => provider, { allowSecrets: true })).toEqual(serialized);
  expect(first.calls).toBe(1);
  await first.serializeFunction(() => edited, { allowSecrets: true });
  expect(first.calls).toBe(2);

  const next = countingSerializer();
  reuseSerializations(next, file);
  expect(await next.serializeFunction(() => provider, { allowSecrets: true })).toEqual(serialized);
  expect((await next.serializeFunction(() => edited, { allowSecrets: true })).text).toBe(
    'exports.handler = () => "v2"',
  );
  expect(next.calls).toBe(0);
  // Other options are another serialization.
  await next.serializeFunction(() => provider, { allowSecrets: false });
  expect(next.calls).toBe(1);
});

test("a provider that does not serialize fails every time and is not stored", async () => {
  const file = path.join(dir, "b.json");
  const serializer = countingSerializer();
  reuseSerializations(serializer, file);
  const broken = { create: () => "unserializable" };
  await expect(serializer.serializeFunction(() => broken)).rejects.toThrow("cannot serialize a native handle");
  await expect(serializer.serializeFunction(() => broken)).rejects.toThrow("cannot serialize a native handle");
  expect(serializer.calls).toBe(2);
  await serializer.serializeFunction(() => provider);
  expect(Object.keys(JSON.parse(readFileSync(file, "utf8")) as object)).toHaveLength(1);
});

test("providers made by classes are told apart by their methods, on the prototype", async () => {
  class Quiet {
    readonly name = "setting";
    create() {
      return "quiet";
    }
  }
  class Loud {
    readonly name = "setting";
    create() {
      return "loud";
    }
  }
  const serializer = countingSerializer();
  reuseSerializations(serializer, path.join(dir, "c.json"));
  const quiet = await serializer.serializeFunction(() => new Quiet());
  const loud = await serializer.serializeFunction(() => new Loud());
  expect(serializer.calls).toBe(2);
  expect(loud.text).not.toBe(quiet.text);
  expect(await serializer.serializeFunction(() => new Quiet())).toEqual(quiet);
  expect(serializer.calls).toBe(2);
});

test("an unreadable store (a run cut short) is read as empty", async () => {
  const file = path.join(dir, "d.json");
  writeFileSync(file, '{"half": ');
  const serializer = countingSerializer();
  reuseSerializations(serializer, file);
  await serializer.serializeFunction(() => provider);
  expect(serializer.calls).toBe(1);
  expect(Object.keys(JSON.parse(readFileSync(file, "utf8")) as object)).toHaveLength(1);
});
