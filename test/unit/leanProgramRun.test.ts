// leanProgramRun turns off what the SDK records for diagnostics a run under mocks never shows, and puts it back;
// the SDK's leak report still counts every promise made meanwhile.
import * as pulumi from "@pulumi/pulumi";
import { afterEach, expect, test } from "vitest";
import { leanProgramRun, PROGRAM_STACKS_VARIABLE } from "../../tools/lib/leanProgramRun";

interface Debuggable {
  debuggablePromise: <T>(promise: Promise<T>, context: string) => Promise<T>;
  leakedPromises: () => [Set<Promise<unknown>>, string];
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's internal module, no typings
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as Debuggable;
const callsites = () => (pulumi.Resource as unknown as { callsites: () => unknown[] }).callsites();
const tags = (promise: Promise<unknown>) =>
  ["_debugId", "_debugCtx", "_debugStackTrace"].filter((key) => Object.hasOwn(promise, key));

afterEach(() => {
  delete process.env[PROGRAM_STACKS_VARIABLE];
  debuggable.leakedPromises(); // clears the candidates a test left
});

test("while on: no promise tags, no call stacks, no stack frames; the undo puts all three back", async () => {
  const [sdkPromise, sdkCallsites, limit] = [debuggable.debuggablePromise, callsites().length, Error.stackTraceLimit];
  expect(sdkCallsites).toBeGreaterThan(0);
  const undo = leanProgramRun();
  const untagged = Promise.resolve("value");
  expect(await debuggable.debuggablePromise(untagged, "context")).toBe("value");
  expect(tags(untagged)).toEqual([]);
  expect(callsites()).toEqual([]);
  expect(Error.stackTraceLimit).toBe(0);
  undo();

  expect(debuggable.debuggablePromise).toBe(sdkPromise);
  expect(callsites().length).toBeGreaterThan(0);
  expect(Error.stackTraceLimit).toBe(limit);
  const tagged = Promise.resolve("value");
  await debuggable.debuggablePromise(tagged, "context");
  expect(tags(tagged)).toEqual(["_debugId", "_debugCtx", "_debugStackTrace"]);
});

test("the leak report counts a promise made while on and still pending; a settled one is dropped from it", async () => {
  const undo = leanProgramRun();
  try {
    const pending = new Promise<never>(() => undefined);
    void debuggable.debuggablePromise(pending, "never settles");
    await debuggable.debuggablePromise(Promise.resolve(1), "settles");
    const rejected = Promise.reject(new Error("refused"));
    const error = await debuggable.debuggablePromise(rejected, "rejects").catch((reason: unknown) => reason);
    expect((error as { promise?: unknown }).promise).toBe(rejected); // as the SDK's own marks it

    const [leaked, message] = debuggable.leakedPromises();
    expect([...leaked]).toEqual([pending]);
    expect(message).toMatch(/^The Pulumi runtime detected that 1 promise was still active/);
  } finally {
    undo();
  }
});

test(`${PROGRAM_STACKS_VARIABLE}=1 keeps the SDK's diagnostics`, () => {
  process.env[PROGRAM_STACKS_VARIABLE] = "1";
  const sdkPromise = debuggable.debuggablePromise;
  const undo = leanProgramRun();
  expect(debuggable.debuggablePromise).toBe(sdkPromise);
  expect(callsites().length).toBeGreaterThan(0);
  undo();
});
