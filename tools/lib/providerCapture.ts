// The stack's postgresql resources as provider-check reads them: the provider's inputs, each resource's
// inputs and dependencies, and for fleetdb's own dynamic resources the statements the SQL plan runs.
import { PROVIDER_DIFFERENCES } from "../../src/sql/plan";
import { planFromResources } from "../../src/sql/planFromResources";
import type { RegisteredResource } from "./mockRuntime";

export interface CapturedStatement {
  database: string;
  sql: string;
}

export interface CapturedResource {
  urn: string;
  type: string;
  name: string;
  /** Its inputs without secrets (a value unknown at preview stays, as the unknown sentinel). */
  inputs: Record<string, unknown>;
  /** Inputs left out because they held a secret. */
  secretInputs: string[];
  /** URNs of other captured resources it waits for (the engine's dependencies, outside ones dropped). */
  dependencies: string[];
  /** fleetdb's dynamic resources only: what it is, and the statements the plan runs for it (or why none). */
  kind?: string;
  statements?: CapturedStatement[];
  skip?: string;
}

export interface ProviderCapture {
  stack: string;
  /** The explicit postgresql provider's inputs; its password is left out (the harness brings its own). Nothing in a capture is secret. */
  provider: Record<string, unknown>;
  resources: CapturedResource[];
}

const PROVIDER_TYPE = "pulumi:providers:postgresql";

/** Captures the resources the SQL plan covers, in registration order. */
export function providerCapture(stack: string, resources: readonly RegisteredResource[]): ProviderCapture {
  const providers = resources.filter((resource) => resource.type === PROVIDER_TYPE);
  if (providers.length !== 1)
    throw new Error(`expected one postgresql provider, the program registered ${providers.length}`);
  const plan = planFromResources(resources);
  const steps = new Map(plan.steps.map((step) => [step.urn, step]));
  const captured = resources.filter((resource) => steps.has(resource.urn));
  const urns = new Set(captured.map((resource) => resource.urn));
  const { password: _password, ...provider } = providers[0].inputs;
  return {
    stack,
    provider,
    resources: captured.map((resource): CapturedResource => {
      const step = steps.get(resource.urn)!;
      const dependencies = [...new Set(resource.dependencies)].filter((urn) => urns.has(urn));
      const base = { urn: resource.urn, type: resource.type, name: resource.name, dependencies };
      if (step.kind === undefined) {
        const secrets = new Set(resource.secretInputs);
        const inputs = Object.fromEntries(Object.entries(resource.inputs).filter(([key]) => !secrets.has(key)));
        return { ...base, inputs, secretInputs: [...secrets].sort() };
      }
      // A dynamic resource's inputs hold its serialized code and the admin's credentials: the harness needs
      // only the plan's SQL, so none of them is written.
      const skip =
        step.statements.length === 0 ? step.differences.map((key) => PROVIDER_DIFFERENCES[key]).join("; ") : undefined;
      return {
        ...base,
        inputs: {},
        secretInputs: [],
        kind: step.kind,
        statements: step.statements.map((statement) => ({ database: step.database, sql: statement.sql })),
        ...(skip ? { skip } : {}),
      };
    }),
  };
}
