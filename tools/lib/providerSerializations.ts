// The dynamic providers' code, serialized once per content: the SDK's closure serializer parses each provider
// with the TypeScript compiler and reads its closure through a debugger session, which stays enabled for the
// rest of the process and slows everything after it. Its text depends only on the code it captures.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "./projectRoot";

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
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, SerializedFunction>) : {};
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

/** A provider's identity: its properties (methods by their source text) and the serializer's options. */
function providerId(provider: unknown, args: Record<string, unknown>): string {
  const hash = createHash("sha256");
  const text = (value: unknown) => (typeof value === "function" ? String(value) : JSON.stringify(value));
  for (const [name, value] of Object.entries((provider ?? {}) as Record<string, unknown>).sort(([a], [b]) =>
    a.localeCompare(b),
  ))
    hash.update(name).update("\0").update(text(value)).update("\0");
  for (const [name, value] of Object.entries(args).sort(([a], [b]) => a.localeCompare(b)))
    hash.update(name).update("\0").update(text(value)).update("\0");
  return hash.digest("hex");
}

/**
 * In the transpiled copy tools/run.cjs runs (named by the sources' content), the SDK's serializations are
 * reused from node_modules/.cache, keyed by that copy, the lock file and node's version. Under the test
 * runner (TypeScript sources, no such copy) every provider is serialized afresh.
 */
let reusing = false;

export function reuseSerializationsInTranspiledCopy(): void {
  const tree = path.resolve(__dirname, "..", "..");
  if (reusing || !existsSync(path.join(tree, ".complete"))) return;
  reusing = true;
  const lock = path.join(PROJECT_ROOT, "package-lock.json");
  const key = createHash("sha256")
    .update(path.basename(tree))
    .update(existsSync(lock) ? readFileSync(lock) : "")
    .update(process.version)
    .digest("hex")
    .slice(0, 24);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the very module pulumi.dynamic loads
  const serializer = require("@pulumi/pulumi/runtime/closure/serializeClosure") as ClosureSerializer;
  reuseSerializations(
    serializer,
    path.join(PROJECT_ROOT, "node_modules", ".cache", "fleetdb-providers", `${key}.json`),
  );
}
