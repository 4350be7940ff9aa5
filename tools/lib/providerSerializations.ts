// The dynamic providers' code, serialized once per content: the SDK's closure serializer parses each provider
// with the TypeScript compiler and reads its closure through a debugger session, which stays enabled for the
// rest of the process and slows everything after it. Its text depends only on the code it captures.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT, TRANSPILED_COPY } from "./projectRoot";

/** What the SDK's serializeFunction resolves to (runtime/closure/serializeClosure). */
export interface SerializedFunction {
  text: string;
  exportName: string;
  containsSecrets: boolean;
}

/** The module whose serializeFunction pulumi.dynamic.Resource calls for each new provider. */
export interface ClosureSerializer {
  serializeFunction(func: () => unknown, args?: Record<string, unknown>): Promise<SerializedFunction>;
}

/**
 * Makes `serializer` answer from `file` for a provider it serialized before under the same `key`, and record
 * what it serializes otherwise. `key` must name all the code a provider can capture (the sources, the
 * installed packages, node's version); a provider is matched by its own methods' text and the call's options.
 * Only successes are kept: a provider that does not serialize fails every time, as under the engine.
 */
export function reuseSerializations(serializer: ClosureSerializer, file: string): void {
  const serialize = serializer.serializeFunction.bind(serializer);
  const stored = readStore(file);
  serializer.serializeFunction = async (func, args = {}) => {
    const id = providerId(func(), args);
    const known = stored[id];
    if (known) return { ...known };
    const result = await serialize(func, args);
    stored[id] = { text: result.text, exportName: result.exportName, containsSecrets: result.containsSecrets };
    mkdirSync(path.dirname(file), { recursive: true });
    const staging = `${file}.${process.pid}.tmp`;
    writeFileSync(staging, JSON.stringify(stored));
    renameSync(staging, file);
    return result;
  };
}

/** What an earlier run stored; nothing when the file is missing or unreadable (a run cut short). */
function readStore(file: string): Record<string, SerializedFunction> {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Record<string, SerializedFunction>;
  } catch {
    return {};
  }
}

/**
 * A provider's identity: its own properties and its prototypes' (methods by their source text, the class
 * by its own), and the serializer's options.
 */
function providerId(provider: unknown, args: Record<string, unknown>): string {
  const hash = createHash("sha256");
  const add = (name: string, value: unknown) => {
    let text: string;
    try {
      text = typeof value === "function" ? String(value) : (JSON.stringify(value) ?? String(value));
    } catch {
      text = String(value); // a value JSON cannot hold (a resource, for logResource)
    }
    hash.update(name).update("\0").update(text).update("\0");
  };
  for (let level: unknown = provider; level && level !== Object.prototype; level = Object.getPrototypeOf(level)) {
    for (const name of Object.getOwnPropertyNames(level).sort())
      add(name, (Object.getOwnPropertyDescriptor(level, name) as PropertyDescriptor).value);
    hash.update("\u0001");
  }
  for (const name of Object.keys(args).sort()) add(name, args[name]);
  return hash.digest("hex");
}

/** The store for the transpiled copy at `tree`: keyed by the copy (the sources), the lock file and node. */
export function serializationStore(tree: string): string {
  const lock = path.join(PROJECT_ROOT, "package-lock.json");
  const key = createHash("sha256")
    .update(path.basename(tree))
    .update(existsSync(lock) ? readFileSync(lock) : "")
    .update(process.version)
    .digest("hex")
    .slice(0, 24);
  return path.join(PROJECT_ROOT, "node_modules", ".cache", "fleetdb-providers", `${key}.json`);
}

let reusing = false;

/**
 * In the transpiled copy tools/run.cjs runs (named by the sources' content), the SDK's serializations are
 * reused from the copy's store. Under the test runner (TypeScript sources, no such copy) every provider is
 * serialized afresh.
 */
export function reuseSerializationsInTranspiledCopy(): void {
  if (reusing || !TRANSPILED_COPY) return;
  reusing = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the very module pulumi.dynamic loads
  const serializer = require("@pulumi/pulumi/runtime/closure/serializeClosure") as ClosureSerializer;
  reuseSerializations(serializer, serializationStore(TRANSPILED_COPY));
}
