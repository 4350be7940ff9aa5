// What the command-line tools share: the stack options, the exit codes, and loading a stack's config.
import * as path from "node:path";
import { CommanderError } from "commander";
import { ConfigError, namespaceValues, parseStackConfig } from "../../src/config/load";
import type { StackConfig } from "../../src/config/schema";
import { PsqlTextError } from "../../src/sql/psqlWriter";
import type { StackOptions } from "./command";
import { EXIT, exitOnSignals } from "./exitCodes";
import { readStackFile, stackFilePath, StackFileError, type StackFile } from "./stackFile";
import { BadInput, ServerUnreachable } from "./toolErrors";

export { EXIT, EXIT_CODES_HELP } from "./exitCodes";
export { toolCommand, withStackOptions, type StackOptions } from "./command";
export { BadInput, ServerUnreachable } from "./toolErrors";

export interface LoadedStack {
  stack: string;
  file: StackFile;
  config: StackConfig;
}

/** Reads and validates the stack's config; throws BadInput naming the file or the key. */
export function loadStack(options: StackOptions): LoadedStack {
  if (!options.stack && !options.configFile) throw new BadInput(["give --stack <name> or --config-file <path>"]);
  if (options.stack !== undefined && !/^[A-Za-z0-9_.-]+$/.test(options.stack)) {
    throw new BadInput([
      `--stack ${JSON.stringify(options.stack)}: expected a stack name (letters, digits, _, ., -) as Pulumi.<name>.yaml is named`,
    ]);
  }
  const filePath = options.configFile ? path.resolve(options.configFile) : stackFilePath(options.stack!);
  const stack = options.stack ?? /^Pulumi\.([A-Za-z0-9_.-]+)\.yaml$/.exec(path.basename(filePath))?.[1] ?? "offline";
  let file: StackFile;
  try {
    file = readStackFile(filePath);
  } catch (error) {
    if (error instanceof StackFileError) throw new BadInput([error.message]);
    throw error;
  }
  try {
    const config = parseStackConfig(namespaceValues(file.config, (key) => file.secretKeys.includes(key)));
    return { stack, file, config };
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new BadInput(error.problems.map((problem) => `${path.basename(filePath)}: ${problem}`));
    }
    throw error;
  }
}

/**
 * Runs a tool's main and exits with its code. Bad input exits 2 and an unreachable server 3, each
 * problem on one line of stderr; anything unexpected is fleetdb's own failure: exit 4 with the trace.
 */
export function runTool(main: () => Promise<number>): void {
  exitOnSignals();
  main().then(
    (code) => exitWhenFlushed(code),
    (error: unknown) => {
      const { code, lines } = failureOf(error);
      for (const line of lines) process.stderr.write(`${line}\n`);
      exitWhenFlushed(code);
    },
  );
}

/** process.exit once stdout and stderr have taken everything: a piped script is otherwise cut at 64 KiB. */
function exitWhenFlushed(code: number): void {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write("", done);
  process.stderr.write("", done);
}

/** What a tool prints and exits with for an error it ends on. */
export function failureOf(error: unknown): { code: number; lines: string[] } {
  if (error instanceof CommanderError) {
    // commander has printed its own message (and help, on --help) already.
    const helpOrVersion = ["commander.helpDisplayed", "commander.help", "commander.version"].includes(error.code);
    return { code: helpOrVersion ? EXIT.clean : EXIT.badInput, lines: [] };
  }
  if (error instanceof BadInput)
    return { code: EXIT.badInput, lines: error.problems.map((problem) => `error: ${problem}`) };
  if (error instanceof PsqlTextError) return { code: EXIT.badInput, lines: [`error: ${error.message}`] };
  if (error instanceof ServerUnreachable) return { code: EXIT.unreachable, lines: [`error: ${error.message}`] };
  if (error instanceof Error && error.name === "PackTypeError") {
    // pulumi preview refuses a pack that does not compile: so does the gate.
    return {
      code: EXIT.checkFailed,
      lines: error.message.split("\n").map((line, index) => (index === 0 ? `error: ${line}` : line)),
    };
  }
  if (error instanceof Error && error.name === "ProgramError") {
    // The program refused to run (mockRuntime's ProgramError; matched by name so passwords need not load Pulumi).
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof ConfigError)
      return { code: EXIT.badInput, lines: cause.problems.map((problem) => `error: ${problem}`) };
    if (cause instanceof Error && cause.name === "DuplicateUrnError") {
      return {
        code: EXIT.badInput,
        lines: [`error: the program registers one resource twice, which pulumi preview refuses: ${cause.message}`],
      };
    }
    // The program's own error, not the wrapper's; its frames are kept only on request (mockRuntime).
    const trace = cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
    const hint = /\n\s+at /.test(trace) ? [] : ["(run again with FLEETDB_PROGRAM_STACKS=1 for the program's stack)"];
    return {
      code: EXIT.internalError,
      lines: [`fleetdb failed (a bug, exit ${EXIT.internalError}): ${trace}`, ...hint],
    };
  }
  const trace = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { code: EXIT.internalError, lines: [`fleetdb failed (a bug, exit ${EXIT.internalError}): ${trace}`] };
}
