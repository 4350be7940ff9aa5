// Turns raw `fleetdb:` config into a validated StackConfig, or one error that lists every problem by key path.
import type { z } from "zod";
import { stackConfigSchema, type StackConfig } from "./schema";

export const CONFIG_NAMESPACE = "fleetdb";

/** Invalid stack config: each problem names its key path (fleetdb:roles.gateway_app.connectionLimit). */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid stack config:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Reads Pulumi's flat config map (`fleetdb:key` → string; objects arrive as JSON text) into an object.
 * Keys of other namespaces (docker:host, …) belong to their providers and are left alone. Secret keys
 * stay text: never parsed, so no parse error can carry a piece of a secret into a log.
 */
export function namespaceValues(
  flat: Record<string, string>,
  secretKeys: ReadonlySet<string> = new Set(),
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(flat)) {
    if (!key.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
    const name = key.slice(CONFIG_NAMESPACE.length + 1);
    values[name] = !secretKeys.has(name) && /^\s*[[{]/.test(text) ? parseJson(key, text) : text;
  }
  return values;
}

/** Validates the namespace's values; throws ConfigError naming every bad key. `secretKeys` are never echoed. */
export function parseStackConfig(
  values: Record<string, unknown>,
  secretKeys: ReadonlySet<string> = new Set(),
): StackConfig {
  const result = stackConfigSchema.safeParse(values);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => describeIssue(issue, secretKeys)));
}

function describeIssue(issue: z.core.$ZodIssue, secretKeys: ReadonlySet<string>): string {
  const [top, ...rest] = issue.path;
  const key = top === undefined ? CONFIG_NAMESPACE : `${CONFIG_NAMESPACE}:${String(top)}${keyPath(rest)}`;
  if (issue.code === "unrecognized_keys") {
    const where = top === undefined ? `${CONFIG_NAMESPACE}:` : `${key}.`;
    return issue.keys.map((unknown) => `${where}${unknown}: unknown key`).join("; ");
  }
  if (top !== undefined && secretKeys.has(String(top)))
    return `${key}: invalid secret value (${issue.code}); the value is not shown`;
  if (issue.code === "invalid_type" && issue.message.includes("received undefined"))
    return `${key}: required, expected ${issue.expected}`;
  if (issue.code === "invalid_type") return `${key}: ${issue.message.replace(/^Invalid input: /, "")}`;
  return `${key}: ${issue.message}`;
}

/** `.roles.gateway_app.services[1]`: names joined with dots, list positions in brackets. */
function keyPath(path: PropertyKey[]): string {
  return path.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("");
}

function parseJson(key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`${key}: expected a YAML object or list (${(error as Error).message})`]);
  }
}
