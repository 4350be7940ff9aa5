// A policy's config: what the engine sent, over the defaults in its own configSchema.
import type { PolicyConfigSchema } from "@pulumi/policy";

/**
 * The CLI fills configSchema defaults in before it configures the pack; reading them here as well keeps
 * a policy right when it runs without that step (an old CLI, a test calling it directly).
 */
export function policyConfig<T>(schema: PolicyConfigSchema, fromEngine: Record<string, unknown>): T {
  const defaults = Object.fromEntries(
    Object.entries(schema.properties)
      .filter(([, property]) => (property as { default?: unknown }).default !== undefined)
      .map(([key, property]) => [key, (property as { default?: unknown }).default]),
  );
  return { ...defaults, ...fromEngine } as T;
}
