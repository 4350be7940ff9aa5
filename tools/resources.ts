// npm run resources: the stack's postgresql resources as JSON, for provider-check (the provider's own code).
import { writeFileSync } from "node:fs";
import { Command, Option } from "commander";
import { EXIT, loadStack, runTool, withStackOptions, type StackOptions } from "./lib/cli";
import { runProgram } from "./lib/mockRuntime";
import { providerCapture } from "./lib/providerCapture";

interface ResourcesOptions extends StackOptions {
  output?: string;
}

async function main(argv: string[]): Promise<number> {
  const program = withStackOptions(
    new Command("resources")
      .description(
        "Print, as JSON, the postgresql resources the program declares (as `pulumi preview` sees them: generated passwords unknown), " +
          "with the provider's inputs and each resource's dependencies, and the SQL plan's statements for fleetdb's own dynamic resources. " +
          "provider-check applies this file through terraform-provider-postgresql's own code.",
      )
      .addOption(new Option("-o, --output <file>", "write the JSON to this file instead of stdout")),
  );
  program.parse(argv);
  const options = program.opts<ResourcesOptions>();
  const { stack, file } = loadStack(options);
  const run = await runProgram({ config: file.config, secretKeys: file.secretKeys, stack, preview: true });
  const capture = providerCapture(stack, run.resources);
  const text = `${JSON.stringify(capture, null, 2)}\n`;
  if (options.output) writeFileSync(options.output, text);
  else process.stdout.write(text);
  const dynamic = capture.resources.filter((resource) => resource.kind !== undefined).length;
  process.stderr.write(
    `resources: ${capture.resources.length - dynamic} provider resources, ${dynamic} of fleetdb's own, stack ${stack}\n`,
  );
  return EXIT.clean;
}

runTool(() => main(process.argv));
