// Runs the fleetdb program in-process under Pulumi's mock runtime and captures every resource it registers.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { leanProgramRun } from "./leanProgramRun";
import { computedOutputs } from "./mockOutputs";
import { TRANSPILED_COPY } from "./projectRoot";
import { reuseSerializationsInTranspiledCopy } from "./providerSerializations";

export { mockPassword } from "./mockOutputs";

/** The sentinel @pulumi/policy uses for a value that is unknown at preview (same as the engine's). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** One resource as the engine would see it at registration. */
export interface RegisteredResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  /** The parent's URN (the Stack for top-level resources). */
  parent: string | undefined;
  /** Provider reference `<provider urn>::<id>`, when one is passed explicitly. */
  provider: string | undefined;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  /** Inputs as the program sent them; secrets unwrapped, unknowns replaced by UNKNOWN. */
  inputs: Record<string, unknown>;
  /** Outputs after registration: the mock's state for custom resources, registerOutputs for components. */
  outputs: Record<string, unknown>;
  /** Input property names that carried a secret. */
  secretInputs: string[];
  options: {
    protect: boolean;
    deleteBeforeReplace: boolean;
    retainOnDelete: boolean;
    ignoreChanges: string[];
    additionalSecretOutputs: string[];
  };
}

export interface ProgramRun {
  resources: RegisteredResource[];
  /** The stack's exported outputs, resolved (secret-ness is lost; see `secretOutputs`). */
  outputs: Record<string, unknown>;
  /** Names of stack outputs that are Pulumi secrets. */
  secretOutputs: string[];
  /** The module's raw exports, for tests that inspect Outputs themselves. */
  exports: Record<string, unknown>;
}

export interface RunOptions {
  /** Flat Pulumi config: `fleetdb:server` → JSON text, `fleetdb:passwordRotation` → text. */
  config: Record<string, string>;
  secretKeys: string[];
  stack: string;
  /** true: like `pulumi preview`: computed outputs (generated passwords, image ids) are unknown. */
  preview: boolean;
  /** The program to run (default: the project's index.ts); tests run small programs of their own. */
  entry?: string;
  /** Overrides the mock's computed outputs for a resource (e.g. a password with URL delimiters). */
  computed?: (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown> | undefined;
  /** Called as each resource registers, with what has registered so far (the engine analyzes it then). */
  onRegistered?: (resource: RegisteredResource, registered: readonly RegisteredResource[]) => void;
}

export const PROJECT = "fleetdb";

/** The program threw (bad config, a bug): carries the cause and what had registered by then. */
export class ProgramError extends Error {
  constructor(
    readonly cause: unknown,
    readonly registered: RegisteredResource[],
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "ProgramError";
  }
}
/** What the engine says for a URN registered twice (pkg/diag/errors.go, GetDuplicateResourceURNError). */
export class DuplicateUrnError extends Error {
  constructor(readonly urn: string) {
    super(`Duplicate resource URN '${urn}'; try giving it a unique name`);
    this.name = "DuplicateUrnError";
  }
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/**
 * Runs index.ts once in this process (Pulumi's runtime state is global: one run per process or test file),
 * inside a `pulumi:pulumi:Stack` root as the engine does, and returns what it registered.
 */
export async function runProgram(options: RunOptions): Promise<ProgramRun> {
  // With a listener (the gate's pack), each registration's reply waits for a turn of the event loop of
  // its own, as a real engine's reply takes one: the pack's replies are read (and its next requests sent)
  // between any two registrations, rather than after a whole batch of them has run in one turn.
  let turns: Promise<unknown> = Promise.resolve();
  const nextTurn = () => (turns = turns.then(() => new Promise((resolve) => setImmediate(resolve))));
  const mocks: pulumi.runtime.Mocks = {
    newResource: async (args) => {
      if (options.onRegistered) await nextTurn();
      return {
        id: args.custom ? `${args.name}-id` : "",
        state: {
          ...(args.inputs as Record<string, unknown>),
          ...(options.preview
            ? {}
            : computedOutputs(args.type, args.name, args.inputs as Record<string, unknown>, options.computed)),
        },
      };
    },
    call: (args) => args.inputs as Record<string, unknown>,
  };
  reuseSerializationsInTranspiledCopy();
  await pulumi.runtime.setMocks(mocks, PROJECT, options.stack, options.preview);
  pulumi.runtime.setAllConfig(options.config, options.secretKeys);

  const captured: RegisteredResource[] = [];
  const byUrn = new Map<string, RegisteredResource>();
  const duplicates: DuplicateUrnError[] = [];
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitorLike;
  const register = monitor.registerResource.bind(monitor);
  // The engine refuses a second registration of a URN; the mock monitor does not, so the gate does it here.
  monitor.registerResource = (request, callback) =>
    register(request, (error, response) => {
      if (!error && response && byUrn.has(response.getUrn())) {
        const duplicate = new DuplicateUrnError(response.getUrn());
        duplicates.push(duplicate);
        callback(duplicate);
        return;
      }
      if (!error && response) {
        const resource = describeRegistration(request, response);
        captured.push(resource);
        byUrn.set(resource.urn, resource);
        options.onRegistered?.(resource, captured);
      }
      callback(error, response);
    });
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (request, callback) => {
    const urn = request.getUrn();
    const target = byUrn.get(urn);
    if (target)
      target.outputs = plainValues(pulumi.runtime.deserializeProperties(request.getOutputs())).value as Record<
        string,
        unknown
      >;
    return registerOutputs(request, callback);
  };

  let moduleExports: Record<string, unknown> = {};
  let outputs: Record<string, unknown> | undefined;
  // When the program throws, the Stack's internal promises reject too, unobserved: the error is reported once, here.
  const rejections = captureRejections();
  const restoreRuntime = leanProgramRun();
  try {
    outputs = await pulumi.runtime.runInPulumiStack(async () => {
      moduleExports = await loadProgram(options.entry ?? PROGRAM);
      return moduleExports;
    });
    // Resources that wait on other resources' outputs register after the stack's outputs resolve.
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  } catch (error) {
    restoreRuntime();
    await rejections.release(duplicates[0] ?? error);
    throw new ProgramError(duplicates[0] ?? error, captured);
  }
  restoreRuntime();
  await rejections.release(duplicates[0]);
  if (duplicates[0]) throw new ProgramError(duplicates[0], captured);
  const secretOutputs: string[] = [];
  for (const [key, value] of Object.entries(moduleExports)) {
    if (pulumi.Output.isInstance(value) && (await pulumi.isSecret(value))) secretOutputs.push(key);
  }
  return { resources: captured, outputs: outputs ?? {}, secretOutputs, exports: moduleExports };
}

/** The project's program beside this module: index.ts, or index.js in the copy tools/run.cjs runs. */
const PROGRAM = path.join(__dirname, "..", "..", "index");

/** As the language host loads a program (require); the test runner loads TypeScript through import(). */
async function loadProgram(entry: string): Promise<Record<string, unknown>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the transpiled copy is CommonJS
  if (TRANSPILED_COPY) return require(entry) as Record<string, unknown>;
  return (await import(entry)) as Record<string, unknown>;
}

/** Holds unhandled rejections during a run; on release, drops those that repeat `expected` and re-raises others. */
function captureRejections(): { release(expected: unknown): Promise<void> } {
  const previous = process.listeners("unhandledRejection");
  const held: unknown[] = [];
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", (reason) => held.push(reason));
  return {
    async release(expected) {
      await new Promise((resolve) => setImmediate(resolve));
      process.removeAllListeners("unhandledRejection");
      for (const listener of previous) process.on("unhandledRejection", listener);
      const message = expected instanceof Error ? expected.message : undefined;
      for (const reason of held) {
        const repeat =
          reason === expected || (reason instanceof Error && message !== undefined && reason.message.includes(message));
        if (!repeat) process.emit("unhandledRejection", reason, Promise.resolve());
      }
    },
  };
}

interface ProtoRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): unknown;
  getProtect(): boolean | undefined;
  getDependenciesList(): string[];
  getProvider(): string;
  getPropertydependenciesMap(): { entries(): Iterable<[string, { getUrnsList(): string[] }]> };
  getDeletebeforereplace(): boolean;
  getRetainondelete(): boolean | undefined;
  getIgnorechangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
}
interface ProtoResponse {
  getUrn(): string;
  getObject(): unknown;
}
interface MockMonitorLike {
  registerResource(request: ProtoRequest, callback: (error: unknown, response?: ProtoResponse) => void): void;
  registerResourceOutputs(request: { getUrn(): string; getOutputs(): never }, callback: (error: unknown) => void): void;
}

function describeRegistration(request: ProtoRequest, response: ProtoResponse): RegisteredResource {
  const inputs = plainValues(pulumi.runtime.deserializeProperties(request.getObject() as never));
  const outputs = plainValues(pulumi.runtime.deserializeProperties(response.getObject() as never));
  return {
    urn: response.getUrn(),
    type: request.getType(),
    name: request.getName(),
    custom: request.getCustom(),
    parent: request.getParent() || undefined,
    provider: request.getProvider() || undefined,
    dependencies: request.getDependenciesList(),
    propertyDependencies: Object.fromEntries(
      [...request.getPropertydependenciesMap().entries()].map(([key, value]) => [key, value.getUrnsList()]),
    ),
    inputs: inputs.value as Record<string, unknown>,
    outputs: outputs.value as Record<string, unknown>,
    secretInputs: inputs.secretKeys,
    options: {
      protect: request.getProtect() ?? false,
      deleteBeforeReplace: request.getDeletebeforereplace(),
      retainOnDelete: request.getRetainondelete() ?? false,
      ignoreChanges: request.getIgnorechangesList(),
      additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
    },
  };
}

/** Unwraps secret envelopes (remembering which top-level keys held one) and turns unknowns into UNKNOWN. */
function plainValues(value: unknown): { value: unknown; secretKeys: string[] } {
  const secretKeys = new Set<string>();
  const walk = (node: unknown, topKey: string | undefined): unknown => {
    if (pulumi.isUnknown(node)) return UNKNOWN;
    if (Array.isArray(node)) return node.map((item) => walk(item, topKey));
    if (node && typeof node === "object") {
      const record = node as Record<string, unknown>;
      if (SECRET_SIG in record) {
        if (topKey) secretKeys.add(topKey);
        return walk(record.value, topKey);
      }
      return Object.fromEntries(Object.entries(record).map(([key, child]) => [key, walk(child, topKey ?? key)]));
    }
    return node;
  };
  const result = walk(value, undefined);
  return { value: result ?? {}, secretKeys: [...secretKeys] };
}
