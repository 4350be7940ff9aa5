// Calls a policy the way the policy server does: props behind unknownCheckingProxy, config reconciled and
// validated like the CLI (schema defaults + given values), notApplicable throwing, UnknownValueError caught.
import {
  unknownCheckingProxy,
  UnknownValueError,
  type Policy,
  type ResourceValidationPolicy,
  type StackValidationPolicy,
} from "@pulumi/policy";
import { reconcilePolicyConfig, type PolicyInfo } from "../../tools/lib/policyPackConfig";

export { UNKNOWN } from "../../tools/lib/mockRuntime";

export interface Outcome {
  violations: string[];
  /** The reason the policy gave for not applying. */
  notApplicable?: string;
  /** The UnknownValueError message the server turns into an advisory "can't run during preview". */
  unknown?: string;
}

export interface TestResource {
  type: string;
  name: string;
  props: Record<string, unknown>;
  urn?: string;
  provider?: { type: string; name: string; urn: string; props: Record<string, unknown> };
}

class NotApplicable extends Error {}

const NO_OPTIONS = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  additionalSecretOutputs: [],
  deleteBeforeReplace: false,
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
};

/** What the server builds for every resource: its URN (made up when the test gives none) and unknown-checking props. */
function asPolicyResource(resource: TestResource) {
  return {
    type: resource.type,
    name: resource.name,
    urn: resource.urn ?? `urn:pulumi:test::fleetdb::${resource.type}::${resource.name}`,
    props: unknownCheckingProxy(resource.props),
    opts: NO_OPTIONS,
    provider: resource.provider,
  };
}

/** The policy's config after the CLI's reconciliation; throws PolicyConfigError as the CLI would refuse it. */
export function configFor(policy: Policy, given: Record<string, unknown> = {}): Record<string, unknown> {
  const info: PolicyInfo = {
    name: policy.name,
    description: policy.description,
    enforcementLevel: policy.enforcementLevel ?? "advisory",
    remediationSteps: policy.remediationSteps ?? "",
    severity: policy.severity ?? "unspecified",
    type: "validateStack" in policy ? "stack" : "resource",
    configSchema: policy.configSchema
      ? { properties: policy.configSchema.properties as never, required: policy.configSchema.required ?? [] }
      : undefined,
  };
  return reconcilePolicyConfig([info], { [policy.name]: { properties: given } }).get(policy.name)!.properties;
}

async function outcomeOf(run: (report: (message: string) => void) => Promise<void> | void): Promise<Outcome> {
  const violations: string[] = [];
  try {
    await run((message) => violations.push(message));
    return { violations };
  } catch (error) {
    if (error instanceof NotApplicable) return { violations, notApplicable: error.message };
    if (error instanceof UnknownValueError) return { violations, unknown: (error as Error).message };
    throw error;
  }
}

const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason ?? "not applicable");
};

export function runResourcePolicy(
  policy: ResourceValidationPolicy,
  resource: TestResource,
  given: Record<string, unknown> = {},
): Promise<Outcome> {
  const config = configFor(policy, given);
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
  return outcomeOf(async (report) => {
    for (const validate of validations) {
      await validate(
        {
          ...asPolicyResource(resource),
          stackTags: new Map(),
          isType: () => false,
          asType: () => undefined,
          getConfig: <T>() => config as T,
          notApplicable,
        } as never,
        report,
      );
    }
  });
}

export function runStackPolicy(
  policy: StackValidationPolicy,
  resources: TestResource[],
  given: Record<string, unknown> = {},
): Promise<Outcome> {
  const config = configFor(policy, given);
  return outcomeOf((report) =>
    policy.validateStack(
      {
        resources: resources.map((resource) => ({
          ...asPolicyResource(resource),
          dependencies: [],
          propertyDependencies: {},
          isType: () => false,
          asType: () => undefined,
        })),
        stackTags: new Map(),
        getConfig: <T>() => config as T,
        notApplicable,
      },
      report,
    ),
  );
}
