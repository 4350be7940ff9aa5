// Reads a Pulumi.<stack>.yaml file into the flat config map the runtime expects; secrets become placeholders.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { isPair, parseDocument, visit, type Document } from "yaml";
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
  let document: unknown = parsed.toJS();
  if (document === null || document === undefined) document = {};
  if (typeof document !== "object" || Array.isArray(document))
    throw new StackFileError(`${file}: expected a mapping with a config: key`);
  const rawConfig = (document as Record<string, unknown>).config ?? {};
  if (typeof rawConfig !== "object" || rawConfig === null || Array.isArray(rawConfig)) {
    throw new StackFileError(`${file}: config: expected a mapping of namespace:key to values`);
  }

  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  const placeholders: string[] = [];
  for (const [rawKey, value] of Object.entries(rawConfig)) {
    const key = rawKey.includes(":") ? rawKey : `${CONFIG_NAMESPACE}:${rawKey}`;
    let secret = false;
    const replaced = replaceSecure(value, key, (at) => {
      secret = true;
      placeholders.push(at);
      return placeholderFor(at);
    });
    config[key] = typeof replaced === "object" && replaced !== null ? JSON.stringify(replaced) : String(replaced);
    if (secret) secretKeys.push(key);
  }
  return { path: file, config, secretKeys, placeholders };
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
    if (Object.keys(record).length === 1 && typeof record.secure === "string") return placeholder(at);
    return Object.fromEntries(
      Object.entries(record).map(([key, child]) => [key, replaceSecure(child, `${at}.${key}`, placeholder)]),
    );
  }
  return value;
}
