// What the command-line tools share: the stack options, exit codes, and loading a stack's config.
import * as path from "node:path";
import { Command, Option } from "commander";
import { ConfigError, namespaceValues, parseStackConfig } from "../../src/config/load";
import { SECRET_KEYS } from "../../src/config/fromPulumi";
import type { StackConfig } from "../../src/config/schema";
import { readStackFile, stackFilePath, StackFileError, type StackFile } from "./stackFile";

export const EXIT = { clean: 0, checkFailed: 1, badInput: 2 } as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0  clean
  1  a check failed (a mandatory policy violated, a plan that would not apply)
  2  bad input (a config file, a key, a policy config), nothing run`;

export interface StackOptions {
  stack?: string;
  configFile?: string;
  json?: boolean;
}

/** --stack, --config-file and --json, shared by every tool. */
export function withStackOptions(command: Command): Command {
  return command
    .addOption(new Option("-s, --stack <name>", "the stack: reads Pulumi.<name>.yaml from the project"))
    .addOption(new Option("-c, --config-file <path>", "any file in the Pulumi.<stack>.yaml format, whatever its name"))
    .addOption(new Option("--json", "print machine-readable JSON on stdout"))
    .addHelpText("after", EXIT_CODES_HELP)
    .showHelpAfterError();
}

export interface LoadedStack {
  stack: string;
  file: StackFile;
  config: StackConfig;
}

/** Reads and validates the stack's config; throws BadInput naming the file or the key. */
export function loadStack(options: StackOptions): LoadedStack {
  if (!options.stack && !options.configFile) throw new BadInput(["give --stack <name> or --config-file <path>"]);
  const filePath = options.configFile ? path.resolve(options.configFile) : stackFilePath(options.stack!);
  const stack = options.stack ?? /^Pulumi\.(.+)\.yaml$/.exec(path.basename(filePath))?.[1] ?? "offline";
  let file: StackFile;
  try {
    file = readStackFile(filePath);
  } catch (error) {
    if (error instanceof StackFileError) throw new BadInput([error.message]);
    throw error;
  }
  try {
    const config = parseStackConfig(namespaceValues(file.config, SECRET_KEYS), SECRET_KEYS);
    return { stack, file, config };
  } catch (error) {
    if (error instanceof ConfigError)
      throw new BadInput(error.problems.map((problem) => `${path.basename(filePath)}: ${problem}`));
    throw error;
  }
}

/** Input the tool refuses: exit 2, each problem on its own line on stderr. */
export class BadInput extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "BadInput";
  }
}

/** Runs a tool's main, mapping BadInput to exit 2 and anything unexpected to exit 1, diagnostics on stderr. */
export function runTool(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof BadInput) {
        for (const problem of error.problems) process.stderr.write(`error: ${problem}\n`);
        process.exit(EXIT.badInput);
      }
      process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(EXIT.checkFailed);
    },
  );
}
