// What the Pulumi SDK spends on a program run that a run under mocks never shows, turned off while it runs.
// The SDK builds every resource before any registration completes, so a run's cost is its peak: each
// promise and each resource carries diagnostics for a report the gate never prints.
import * as pulumi from "@pulumi/pulumi";
// eslint-disable-next-line @typescript-eslint/no-require-imports -- internal modules, no typings
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as DebuggableModule;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeState = require("@pulumi/pulumi/runtime/state") as { getStore(): { leakCandidates: Set<unknown> } };

/** Set to 1 to keep stack frames (source-mapped) in errors the program throws, at the cost of a slower run. */
export const PROGRAM_STACKS_VARIABLE = "FLEETDB_PROGRAM_STACKS";

interface DebuggableModule {
  debugPromiseLeaks: boolean;
  debuggablePromise: <T>(promise: Promise<T>, context: string) => Promise<T>;
}

/**
 * Turns off, until the returned undo is called:
 * - stack frames and source maps in errors: the SDK takes `new Error().stack` for every promise it makes;
 * - each resource's call stack (`Resource.callsites`), which the SDK sends for the engine's source positions;
 * - the debug id, context text and stack the SDK puts on every promise for PULUMI_DEBUG_PROMISE_LEAKS (unless
 *   that is set); the leak report itself stays: a promise still pending at exit fails the run as before.
 * FLEETDB_PROGRAM_STACKS=1 keeps all three.
 */
export function leanProgramRun(): () => void {
  if (process.env[PROGRAM_STACKS_VARIABLE] === "1") return () => undefined;
  const undo = [withoutStackFrames(), withoutCallsites()];
  if (!debuggable.debugPromiseLeaks) undo.push(withUntaggedPromises());
  return () => undo.reverse().forEach((step) => step());
}

function withoutStackFrames(): () => void {
  const saved = { sourceMaps: process.sourceMapsEnabled, limit: Error.stackTraceLimit };
  process.setSourceMapsEnabled(false);
  Error.stackTraceLimit = 0;
  return () => {
    process.setSourceMapsEnabled(saved.sourceMaps);
    Error.stackTraceLimit = saved.limit;
  };
}

/** Resource.callsites sets an unlimited stack trace limit and parses every frame, for each resource. */
function withoutCallsites(): () => void {
  const resource = pulumi.Resource as unknown as { callsites: () => unknown[] };
  const saved = resource.callsites;
  resource.callsites = () => [];
  return () => (resource.callsites = saved);
}

/**
 * debuggablePromise as the SDK has it (runtime/debuggable.js), without the three properties it defines on
 * each promise, which turn every promise into a dictionary. The first call goes to the SDK's own, which
 * schedules the leak report at exit.
 */
function withUntaggedPromises(): () => void {
  const saved = debuggable.debuggablePromise;
  void saved(Promise.resolve(), "fleetdb: schedules the SDK's leak report");
  debuggable.debuggablePromise = <T>(promise: Promise<T>) => {
    const candidates = runtimeState.getStore().leakCandidates;
    candidates.add(promise);
    return promise
      .then((value) => {
        candidates.delete(promise);
        return value;
      })
      .catch((error: unknown) => {
        candidates.delete(promise);
        (error as { promise?: unknown }).promise = promise; // throws for a primitive, as the SDK's does
        throw error;
      });
  };
  return () => (debuggable.debuggablePromise = saved);
}
