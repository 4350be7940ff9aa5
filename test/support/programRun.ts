// Test helpers over a captured program run: find resources by type and name, follow parents and providers.
import { runProgram, type ProgramRun, type RegisteredResource } from "../../tools/lib/mockRuntime";
import { readStackFile, stackFilePath } from "../../tools/lib/stackFile";

export { TYPES } from "../../policies/core/resourceTypes";

/** Runs index.ts under mocks with Pulumi.<stack>.yaml (as a completed update, so computed values are known). */
export async function runStack(stack: string, extraConfig: Record<string, string> = {}): Promise<ProgramRun> {
  const file = readStackFile(stackFilePath(stack));
  return runProgram({ config: { ...file.config, ...extraConfig }, secretKeys: file.secretKeys, stack, preview: false });
}

export function ofType(run: ProgramRun, type: string): RegisteredResource[] {
  return run.resources.filter((resource) => resource.type === type);
}

export function named(run: ProgramRun, type: string, name: string): RegisteredResource {
  const found = run.resources.find((resource) => resource.type === type && resource.name === name);
  if (!found)
    throw new Error(
      `no ${type} named ${name}; have: ${ofType(run, type)
        .map((r) => r.name)
        .join(", ")}`,
    );
  return found;
}

export function byUrn(run: ProgramRun, urn: string | undefined): RegisteredResource | undefined {
  return run.resources.find((resource) => resource.urn === urn);
}

/** All resources (transitively) under the component or resource with this URN. */
export function descendants(run: ProgramRun, urn: string): RegisteredResource[] {
  const children = run.resources.filter((resource) => resource.parent === urn);
  return children.flatMap((child) => [child, ...descendants(run, child.urn)]);
}
