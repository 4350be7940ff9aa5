// Prints, as JSON, every resource a stack registers under mocks: type, name, parent, provider, inputs and
// options. test/program/registrations.test.ts compares it with a committed snapshot, one child per stack,
// because Pulumi's runtime state is global to a process.
import { runProgram } from "../../tools/lib/mockRuntime";
import { readStackFile } from "../../tools/lib/stackFile";

// A dynamic resource's serialized provider is its code: code changes show in code review, not here.
const SERIALIZED_PROVIDER = "__provider";

async function dump(file: string, stack: string): Promise<void> {
  const stackFile = readStackFile(file);
  const run = await runProgram({ config: stackFile.config, secretKeys: stackFile.secretKeys, stack, preview: false });
  // By URN: registrations that wait on nothing complete in an order of the runtime's, not the program's.
  const byUrn = [...run.resources].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  const resources = byUrn.map((resource) => ({
    urn: resource.urn,
    parent: resource.parent,
    provider: resource.provider,
    inputs: Object.fromEntries(
      Object.entries(resource.inputs).map(([key, value]) => [
        key,
        key === SERIALIZED_PROVIDER ? "<serialized dynamic provider>" : value,
      ]),
    ),
    secretInputs: [...resource.secretInputs].sort(),
    dependencies: [...resource.dependencies].sort(),
    options: resource.options,
  }));
  const outputs = { names: Object.keys(run.outputs).sort(), secret: [...run.secretOutputs].sort() };
  process.stdout.write(`${JSON.stringify({ resources, outputs }, null, 2)}\n`);
}

const [file, stack] = process.argv.slice(2);
if (!file || !stack) {
  process.stderr.write("usage: registrationsDump <stack file> <stack name>\n");
  process.exit(2);
}
dump(file, stack).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
