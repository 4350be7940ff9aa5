// The exit codes every fleetdb tool uses, so a script or a monitor can tell the outcomes apart.

export const EXIT = {
  /** Nothing wrong: the gate passed, the plan validated, the live server matches the stack. */
  clean: 0,
  /** A check failed: a mandatory policy violated, a plan that would not apply, drift found. */
  checkFailed: 1,
  /** Bad input (a config file, a key, an option, a URL): nothing was run. */
  badInput: 2,
  /** The server could not be reached, or refused the login: nothing was checked ("down", not "drifted"). */
  unreachable: 3,
  /** fleetdb itself failed (a bug): the only case that prints a stack trace. */
  internalError: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `
Exit codes:
  0  clean
  1  a check failed (a mandatory policy violated, a plan that would not apply, drift)
  2  bad input (a config file, a key, an option, a URL), nothing run
  3  could not reach or log in to the server
  4  fleetdb itself failed (a bug; the only case with a stack trace)`;

let exitingOnSignals = false;

/**
 * SIGINT and SIGTERM end the tool through process.exit (130 and 143, as a shell reports them), so its 'exit'
 * handlers stop what it started (the gate's pack, a server). Installed once, as early as a tool starts work.
 */
export function exitOnSignals(): void {
  if (exitingOnSignals) return;
  exitingOnSignals = true;
  process.once("SIGINT", () => process.exit(130));
  process.once("SIGTERM", () => process.exit(143));
}
