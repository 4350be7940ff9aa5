// A tool's command line: commander only, so a tool can read its options before it loads anything heavy.
import { Command, Option } from "commander";
import { EXIT_CODES_HELP } from "./exitCodes";

export interface StackOptions {
  stack?: string;
  configFile?: string;
  json?: boolean;
}

/** A tool's command: exit codes in --help, and commander's own errors (unknown option …) reported as bad input. */
export function toolCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .addHelpText("after", EXIT_CODES_HELP)
    .showHelpAfterError()
    .exitOverride();
}

/** --stack, --config-file and --json, shared by every tool that reads a stack. */
export function withStackOptions(command: Command): Command {
  return command
    .addOption(new Option("-s, --stack <name>", "the stack: reads Pulumi.<name>.yaml from the project"))
    .addOption(new Option("-c, --config-file <path>", "any file in the Pulumi.<stack>.yaml format, whatever its name"))
    .addOption(new Option("--json", "print machine-readable JSON on stdout"));
}
