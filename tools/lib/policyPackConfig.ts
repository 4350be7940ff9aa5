// Policy-pack config as the Pulumi CLI reconciles it (pkg/resource/analyzer/config.go): file, defaults, validation.
import { readFileSync } from "node:fs";
import Ajv from "ajv";

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
const LEVELS: readonly string[] = ["advisory", "mandatory", "remediate", "disabled"];

/** One policy's config as the engine sends it with the Configure call. */
export interface PolicyConfig {
  enforcementLevel: EnforcementLevel;
  properties: Record<string, unknown>;
}

/** What the pack says about one policy (GetAnalyzerInfo). */
export interface PolicyInfo {
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  remediationSteps: string;
  severity: string;
  type: "resource" | "stack" | "unknown";
  configSchema?: { properties: Record<string, Record<string, unknown>>; required: string[] };
}

/** A policy config file or value the CLI would refuse (the gate exits 2). */
export class PolicyConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid policy pack config:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "PolicyConfigError";
  }
}

export type GivenConfig = Record<string, { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }>;

/** Reads a `--policy-pack-config` file: `{"all": "mandatory", "policy": "advisory" | {"enforcementLevel": …, key: value}}`. */
export function readPolicyConfigFile(file: string): GivenConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new PolicyConfigError([
      `${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    ]);
  }
  if (text.trim() === "") return {};
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new PolicyConfigError([`${file}: not valid JSON: ${(error as Error).message}`]);
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new PolicyConfigError([`${file}: expected a JSON object keyed by policy name`]);
  }
  const given: GivenConfig = {};
  for (const [policy, value] of Object.entries(document)) {
    if (typeof value === "string") {
      given[policy] = { enforcementLevel: level(policy, value), properties: {} };
    } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      const { enforcementLevel, ...properties } = value as Record<string, unknown>;
      if (enforcementLevel !== undefined && typeof enforcementLevel !== "string") {
        throw new PolicyConfigError([
          `parsing enforcement level for "${policy}": ${JSON.stringify(enforcementLevel)} is not a valid enforcement level; must be a string`,
        ]);
      }
      given[policy] = {
        enforcementLevel: enforcementLevel === undefined ? undefined : level(policy, enforcementLevel),
        properties,
      };
    } else {
      throw new PolicyConfigError([
        `parsing "${policy}": ${JSON.stringify(value)} is not a valid value; must be a string or object`,
      ]);
    }
  }
  return given;
}

/** Defaults from each policy's configSchema, then `all`, then each policy's own entry; validated like the CLI does. */
export function reconcilePolicyConfig(policies: readonly PolicyInfo[], given: GivenConfig): Map<string, PolicyConfig> {
  const result = new Map<string, PolicyConfig>();
  for (const policy of policies) {
    const defaults = Object.entries(policy.configSchema?.properties ?? {})
      .filter(([, schema]) => "default" in schema)
      .map(([key, schema]) => [key, structuredClone(schema.default)] as const);
    result.set(policy.name, { enforcementLevel: policy.enforcementLevel, properties: Object.fromEntries(defaults) });
  }
  const all = given.all?.enforcementLevel;
  if (all) for (const config of result.values()) config.enforcementLevel = all;
  for (const [name, config] of Object.entries(given)) {
    if (name === "all") continue;
    const current = result.get(name) ?? { enforcementLevel: "advisory", properties: {} };
    result.set(name, {
      enforcementLevel: config.enforcementLevel ?? current.enforcementLevel,
      properties: { ...current.properties, ...config.properties },
    });
  }

  const ajv = new Ajv({ allErrors: true, strict: false });
  const problems: string[] = [];
  for (const policy of policies) {
    if (!policy.configSchema) continue;
    const schema = {
      type: "object",
      properties: policy.configSchema.properties,
      required: policy.configSchema.required,
    };
    const validate = ajv.compile(schema);
    if (!validate(result.get(policy.name)!.properties)) {
      for (const error of validate.errors ?? [])
        problems.push(`${policy.name}: ${error.instancePath.replace(/^\//, "") || "(root)"} ${error.message}`);
    }
  }
  if (problems.length > 0) throw new PolicyConfigError(problems);
  return result;
}

function level(policy: string, value: string): EnforcementLevel {
  if (!LEVELS.includes(value))
    throw new PolicyConfigError([
      `parsing enforcement level for "${policy}": "${value}" is not a valid enforcement level`,
    ]);
  return value as EnforcementLevel;
}

/**
 * What the CLI accepts without a word but a reviewer should hear: a policy name the pack does not have,
 * a property its schema does not declare, a mandatory policy turned down.
 */
export function policyConfigWarnings(policies: readonly PolicyInfo[], given: GivenConfig): string[] {
  const warnings: string[] = [];
  const byName = new Map(policies.map((policy) => [policy.name, policy]));
  for (const [name, config] of Object.entries(given)) {
    if (name === "all") {
      if (config.enforcementLevel === "advisory" || config.enforcementLevel === "disabled") {
        warnings.push(`policy config: "all": "${config.enforcementLevel}" turns every mandatory policy down`);
      }
      continue;
    }
    const policy = byName.get(name);
    if (!policy) {
      warnings.push(
        `policy config: "${name}" is not a policy of this pack (it has: ${policies.map((known) => known.name).join(", ")})`,
      );
      continue;
    }
    for (const property of Object.keys(config.properties)) {
      if (!(property in (policy.configSchema?.properties ?? {}))) {
        warnings.push(
          `policy config: ${name}.${property} is not a property of ${name} (it has: ${Object.keys(policy.configSchema?.properties ?? {}).join(", ") || "none"})`,
        );
      }
    }
    if (
      policy.enforcementLevel === "mandatory" &&
      (config.enforcementLevel === "advisory" || config.enforcementLevel === "disabled")
    ) {
      warnings.push(`policy config: ${name} is mandatory in the pack and is set to ${config.enforcementLevel} here`);
    }
  }
  return warnings;
}
