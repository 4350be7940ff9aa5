// A captured run seen the way a stack policy sees it: each resource's outputs, with its provider's.
import type { BudgetResource } from "../../policies/core/budgetFromResources";
import type { ProgramRun } from "./mockRuntime";

export function stackView(run: ProgramRun): BudgetResource[] {
  const byUrn = new Map(run.resources.map((resource) => [resource.urn, resource]));
  return run.resources.map((resource) => {
    const provider = resource.provider
      ? byUrn.get(resource.provider.slice(0, resource.provider.lastIndexOf("::")))
      : undefined;
    return {
      type: resource.type,
      name: resource.name,
      urn: resource.urn,
      props: resource.outputs,
      provider: provider ? { urn: provider.urn, props: provider.outputs } : undefined,
    };
  });
}

/** The last part of a URN: the resource's Pulumi name. */
export function urnName(urn: string | undefined): string {
  return urn ? urn.slice(urn.lastIndexOf("::") + 2) : "(stack)";
}
