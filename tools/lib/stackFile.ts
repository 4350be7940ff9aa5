// Reads a Pulumi.<stack>.yaml file into the flat config map the runtime expects; secrets become placeholders.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { isMap, isPair, isScalar, parseDocument, visit, type Document } from "yaml";
import { CONFIG_NAMESPACE } from "../../src/config/load";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** A stack file that cannot be read: the message names the file and, where it can, the key. */
export class StackFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackFileError";
  }
}

export interface StackFile {
  path: string;
  /** `namespace:key` → text (objects as JSON), as `pulumi.runtime.setAllConfig` takes it. */
  config: Record<string, string>;
  /** Top-level keys holding a `secure:` value anywhere inside them. */
  secretKeys: string[];
  /** Dotted paths of the `secure:` values replaced by placeholders (they cannot be decrypted offline). */
  placeholders: string[];
}

/** Pulumi.<stack>.yaml in the project directory. */
export function stackFilePath(stack: string): string {
  return path.join(PROJECT_ROOT, `Pulumi.${stack}.yaml`);
}

/** The value a `secure:` entry becomes offline: never a real secret, never used by a policy. */
export function placeholderFor(key: string): string {
  return `offline-placeholder-for-${key}`;
}

/** Reads any file in the Pulumi.<stack>.yaml format, whatever its name. */
export function readStackFile(file: string): StackFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new StackFileError(
      `${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const parsed = parseDocument(text);
  const [syntaxError] = parsed.errors;
  if (syntaxError) {
    const [line, column] = [syntaxError.linePos?.[0].line, syntaxError.linePos?.[0].col];
    const key = keyAt(parsed, syntaxError.pos[0]);
    throw new StackFileError(
      `${file}:${line}:${column}: not valid YAML${key ? ` under ${key}` : ""}: ${syntaxError.message.split("\n")[0]}`,
    );
  }
  const top = parsed.contents;
  if (top === null || (isScalar(top) && top.value === null))
    return { path: file, config: {}, secretKeys: [], placeholders: [] };
  if (!isMap(top)) throw new StackFileError(`${file}: expected a mapping with a config: key`);
  const configNode = top.get("config", true);
  if (configNode === undefined || (isScalar(configNode) && configNode.value === null)) {
    return { path: file, config: {}, secretKeys: [], placeholders: [] };
  }
  if (!isMap(configNode)) throw new StackFileError(`${file}: config: expected a mapping of namespace:key to values`);

  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  const placeholders: string[] = [];
  for (const pair of configNode.items) {
    const rawKey = String(isScalar(pair.key) ? pair.key.value : pair.key);
    // Pulumi's config.ParseKey: a stack file's keys are namespace:name.
    if (!/^[^:\s]+:[^:\s]+$/.test(rawKey)) {
      throw new StackFileError(
        `${file}: config: could not parse ${JSON.stringify(rawKey)} as a configuration key (configuration keys should be of the form <namespace>:<name>, such as ${CONFIG_NAMESPACE}:${rawKey.replace(/^.*:/, "") || "server"})`,
      );
    }
    const value = pair.value;
    if (isScalar(value) || value === null) {
      // The CLI reads a top-level scalar as text: its source, and a blank or null value as "".
      config[rawKey] =
        value === null || value.value === null
          ? ""
          : typeof value.value === "string"
            ? value.value
            : (value.source ?? String(value.value));
      continue;
    }
    let plain: unknown;
    try {
      plain = (value as { toJS(doc: Document, options?: object): unknown }).toJS(parsed, { maxAliasCount: 100 });
    } catch (error) {
      throw new StackFileError(`${file}: ${rawKey}: ${(error as Error).message.split("\n")[0]}`);
    }
    if (isSecureValue(plain)) {
      secretKeys.push(rawKey);
      placeholders.push(rawKey);
      config[rawKey] = placeholderFor(rawKey);
      continue;
    }
    let secret = false;
    const replaced = replaceSecure(plain, rawKey, (at) => {
      secret = true;
      placeholders.push(at);
      return placeholderFor(at);
    });
    const nonFinite = nonFinitePath(replaced, rawKey);
    if (nonFinite) {
      throw new StackFileError(
        `${file}: ${nonFinite}: .inf and .nan are not values Pulumi can pass (its config is JSON): expected a finite number`,
      );
    }
    config[rawKey] = JSON.stringify(replaced);
    if (secret) secretKeys.push(rawKey);
  }
  return { path: file, config, secretKeys, placeholders };
}

/** `{ secure: "…" }`, the form of an encrypted value. */
function isSecureValue(value: unknown): boolean {
  return (
    !!value &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { secure?: unknown }).secure === "string"
  );
}

/** The dotted path of the first infinite or NaN number in `value`, if any. */
function nonFinitePath(value: unknown, at: string): string | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? undefined : at;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = nonFinitePath(item, `${at}[${index}]`);
      if (found) return found;
    }
  }
  if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      const found = nonFinitePath(child, `${at}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

/** The dotted key path of the innermost mapping entry that holds `offset`, for pointing at a syntax error. */
function keyAt(document: Document, offset: number): string | undefined {
  let found: string[] | undefined;
  visit(document, {
    Pair(_key, pair, path) {
      const keyRange = (pair.key as { range?: number[] } | null)?.range;
      const valueRange = (pair.value as { range?: number[] } | null)?.range;
      if (!keyRange || keyRange[0]! > offset) return;
      if (valueRange && offset > valueRange[2]! + 1) return;
      const outer = path.filter(isPair).map((entry) => String((entry.key as { value?: unknown })?.value ?? entry.key));
      found = [...outer, String((pair.key as { value?: unknown })?.value ?? pair.key)];
    },
  });
  return found?.join(".");
}

/** Replaces every `{ secure: … }` (top-level or nested) with what `placeholder` returns for its path. */
function replaceSecure(value: unknown, at: string, placeholder: (at: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item, index) => replaceSecure(item, `${at}[${index}]`, placeholder));
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (isSecureValue(record)) return placeholder(at);
    return Object.fromEntries(
      Object.entries(record).map(([key, child]) => [key, replaceSecure(child, `${at}.${key}`, placeholder)]),
    );
  }
  return value;
}
