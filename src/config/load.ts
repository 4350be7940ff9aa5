// Turns Pulumi's flat `fleetdb:` config into a validated StackConfig, or one error that lists every problem by key path.
import type { z } from "zod";
import { neutralised } from "../controlCharacters";
import { stackConfigSchemaFor, type StackConfig } from "./schema";

export const CONFIG_NAMESPACE = "fleetdb";

/** Keys whose values are secrets: never parsed or echoed, and refused unless they arrive as secrets. */
export const SECRET_KEYS: ReadonlySet<string> = new Set(["superuserPassword", "adminPassword"]);

/** Sections the program reads as objects (Pulumi hands them over as JSON text); every other key is text. */
const OBJECT_KEYS: ReadonlySet<string> = new Set([
  "server",
  "admin",
  "budget",
  "databases",
  "roles",
  "services",
  "handover",
  "audit",
  "pooler",
]);

/** Invalid stack config: each problem names its key path (fleetdb:roles.gateway_app.connectionLimit). */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid stack config:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Reads Pulumi's flat config map (`fleetdb:key` → text) as the program's `Config.getObject` / `get`
 * would: the object sections parsed from their JSON, everything else (markers, secrets) kept as text,
 * so a marker such as "[1]" stays a marker. Keys of other namespaces belong to their providers.
 * `isSecret(fullKey)` says whether a value arrived as a secret; a secret key given in plain text is
 * refused, naming how to set it.
 */
export function namespaceValues(
  flat: Record<string, string>,
  isSecret: (fullKey: string) => boolean,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, text] of Object.entries(flat)) {
    if (!key.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
    const name = key.slice(CONFIG_NAMESPACE.length + 1);
    if (SECRET_KEYS.has(name) && !isSecret(key)) {
      problems.push(
        `${key}: must be a secret, and this value is plain text (or not a secure: value): set it with \`pulumi config set --secret ${name}\` and remove the plain one; the value is not shown`,
      );
      continue;
    }
    values[name] = OBJECT_KEYS.has(name) ? objectOrText(text) : text;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return values;
}

/** Validates the namespace's values; throws ConfigError naming every bad key. Secret values are never echoed. */
export function parseStackConfig(values: Record<string, unknown>): StackConfig {
  const result = stackConfigSchemaFor(values).safeParse(values);
  // The mode picked the schema, so the server's variant matches the rest of the shape.
  if (result.success) return result.data as StackConfig;
  throw new ConfigError(result.error.issues.map(describeIssue));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const [top, ...rest] = issue.path;
  const key = top === undefined ? CONFIG_NAMESPACE : `${CONFIG_NAMESPACE}:${String(top)}${keyPath(rest)}`;
  if (issue.code === "unrecognized_keys") {
    const where = top === undefined ? `${CONFIG_NAMESPACE}:` : `${key}.`;
    return neutralised(issue.keys.map((unknown) => `${where}${unknown}: unknown key`).join("; "));
  }
  if (top !== undefined && SECRET_KEYS.has(String(top)))
    return `${key}: invalid secret value (${issue.code}); the value is not shown`;
  // Messages quote values, and a value may hold a newline: each problem stays on one line.
  return neutralised(`${key}: ${issue.message}`);
}

/** `.roles.gateway_app.services[1]`: names joined with dots, list positions in brackets. */
function keyPath(path: PropertyKey[]): string {
  return path.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("");
}

/** JSON text as its value; anything else (a plain word, "") as the text itself, for the schema to name. */
function objectOrText(text: string): unknown {
  if (!/^\s*[[{]/.test(text)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
