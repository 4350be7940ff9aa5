// Plays the Pulumi engine's part for a policy pack: starts the pack the way the CLI does and analyzes a run over gRPC.
import type { ChildProcess } from "node:child_process";
import * as grpc from "@grpc/grpc-js";
import { BinaryWriter } from "google-protobuf";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import type { ProgramRun, RegisteredResource } from "./mockRuntime";
import type { PackServer } from "./policyPackServer";
import type { EnforcementLevel, PolicyConfig, PolicyInfo } from "./policyPackConfig";

const LEVEL_NAMES: Record<number, EnforcementLevel> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };
const LEVEL_CODES: Record<EnforcementLevel, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };
const SEVERITIES: Record<number, string> = { 0: "unspecified", 1: "low", 2: "medium", 3: "high", 4: "critical" };
const POLICY_TYPES: Record<number, PolicyInfo["type"]> = { 0: "unknown", 1: "resource", 2: "stack" };

export interface Diagnostic {
  policy: string;
  message: string;
  enforcementLevel: EnforcementLevel;
  /** The resource it is about (its URN), when the engine knows it. */
  urn?: string;
}

export interface AnalysisResult {
  diagnostics: Diagnostic[];
  /** policy → reasons it reported itself not applicable, per analyzed resource. */
  notApplicable: Map<string, string[]>;
}

/** A running policy pack, reached over gRPC like the CLI reaches it. */
export class PolicyPackProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: InstanceType<typeof analyzerrpc.AnalyzerClient>,
  ) {}

  /** Connects to a pack started with startPackServer, once it serves. */
  static async connect(server: PackServer): Promise<PolicyPackProcess> {
    const port = await server.port;
    const client = new analyzerrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new PolicyPackProcess(server.child, client);
  }

  async info(): Promise<{ name: string; version: string; policies: PolicyInfo[] }> {
    const response = await this.call<analyzerproto.AnalyzerInfo>("getAnalyzerInfo", new emptyproto.Empty());
    return {
      name: response.getName(),
      version: response.getVersion(),
      policies: response.getPoliciesList().map((policy) => {
        const schema = policy.getConfigschema();
        return {
          name: policy.getName(),
          description: policy.getDescription(),
          enforcementLevel: LEVEL_NAMES[policy.getEnforcementlevel()] ?? "advisory",
          remediationSteps: policy.getRemediationSteps(),
          severity: SEVERITIES[policy.getSeverity()] ?? "unspecified",
          type: POLICY_TYPES[policy.getPolicyType()] ?? "unknown",
          configSchema: schema
            ? {
                properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, Record<string, unknown>>,
                required: schema.getRequiredList(),
              }
            : undefined,
        };
      }),
    };
  }

  async configure(config: Map<string, PolicyConfig>): Promise<void> {
    const request = new analyzerproto.ConfigureAnalyzerRequest();
    for (const [name, policy] of config) {
      const entry = new analyzerproto.PolicyConfig();
      entry.setEnforcementlevel(LEVEL_CODES[policy.enforcementLevel]);
      entry.setProperties(structproto.Struct.fromJavaScript(policy.properties as never));
      request.getPolicyconfigMap().set(name, entry);
    }
    await this.call("configure", request);
  }

  async configureStack(stack: string, project: string, dryRun: boolean): Promise<void> {
    const request = new analyzerproto.AnalyzerStackConfigureRequest();
    request.setStack(stack);
    request.setProject(project);
    request.setDryRun(dryRun);
    await this.call("configureStack", request);
  }

  /** Resource policies, once per resource, on its inputs (what `pulumi preview` sends after Check). */
  async analyze(resource: RegisteredResource, registered: readonly RegisteredResource[]): Promise<AnalysisResult> {
    const request = withIdentity(new analyzerproto.AnalyzeRequest(), resource, registered, "inputs");
    return readAnalysis(await this.call<analyzerproto.AnalyzeResponse>("analyze", request), resource.urn);
  }

  /** Stack policies, once, on every resource's outputs. */
  async analyzeStack(run: ProgramRun): Promise<AnalysisResult> {
    const method = analyzerrpc.AnalyzerService.analyzeStack;
    const response = await new Promise<analyzerproto.AnalyzeResponse>((resolve, reject) =>
      this.client.makeUnaryRequest(
        method.path,
        (encoded: Uint8Array) => Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength),
        method.responseDeserialize,
        stackRequestBytes(run),
        (error, value) => (error || !value ? reject(error ?? new Error("no response")) : resolve(value)),
      ),
    );
    return readAnalysis(response, undefined);
  }

  close(): void {
    this.client.close();
    this.child.kill();
  }

  private call<T>(method: string, request: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      const fn = (
        this.client as unknown as Record<string, (req: unknown, cb: (error: Error | null, response: T) => void) => void>
      )[method];
      fn.call(this.client, request, (error, response) => (error ? reject(error) : resolve(response)));
    });
  }
}

/** AnalyzeStackRequest's one field: `repeated AnalyzerResource resources = 1`. */
const STACK_RESOURCES_FIELD = 1;

/**
 * An AnalyzeStackRequest, encoded one resource at a time: an embedded message is its own encoding as a
 * length-delimited field, so the bytes are those of the whole request's serializeBinary. Encoding the whole
 * request at once builds it in one array of numbers, 8 bytes per byte, at the run's peak of memory.
 */
export function stackRequestBytes(run: ProgramRun): Uint8Array {
  const writer = new BinaryWriter();
  for (const resource of run.resources)
    writer.writeBytes(STACK_RESOURCES_FIELD, stackResource(resource, run.resources).serializeBinary());
  return writer.getResultBuffer();
}

/** One resource as AnalyzeStack carries it: its outputs, parent and dependencies. */
export function stackResource(
  resource: RegisteredResource,
  registered: readonly RegisteredResource[],
): analyzerproto.AnalyzerResource {
  const entry = withIdentity(new analyzerproto.AnalyzerResource(), resource, registered, "outputs");
  if (resource.parent) entry.setParent(resource.parent);
  entry.setDependenciesList(resource.dependencies);
  for (const [key, urns] of Object.entries(resource.propertyDependencies)) {
    const dependencies = new analyzerproto.AnalyzerPropertyDependencies();
    dependencies.setUrnsList(urns);
    entry.getPropertydependenciesMap().set(key, dependencies);
  }
  return entry;
}

/** What both requests carry per resource: identity, properties (inputs or outputs), options, provider. */
function withIdentity<T extends analyzerproto.AnalyzeRequest | analyzerproto.AnalyzerResource>(
  message: T,
  resource: RegisteredResource,
  registered: readonly RegisteredResource[],
  side: "inputs" | "outputs",
): T {
  message.setType(resource.type);
  message.setUrn(resource.urn);
  message.setName(resource.name);
  message.setProperties(struct(resource[side]));
  message.setOptions(options(resource));
  const provider = providerOf(resource, registered, side);
  if (provider) message.setProvider(provider);
  return message;
}

/** Properties as the engine marshals them: internal `__` keys dropped, unknowns as the sentinel string. */
function struct(values: Record<string, unknown>): structproto.Struct {
  const visible = Object.fromEntries(Object.entries(values).filter(([key]) => !key.startsWith("__")));
  return structproto.Struct.fromJavaScript(JSON.parse(JSON.stringify(visible)) as never);
}

function options(resource: RegisteredResource): analyzerproto.AnalyzerResourceOptions {
  const result = new analyzerproto.AnalyzerResourceOptions();
  result.setProtect(resource.options.protect);
  result.setIgnorechangesList(resource.options.ignoreChanges);
  result.setDeletebeforereplace(resource.options.deleteBeforeReplace);
  result.setDeletebeforereplacedefined(resource.options.deleteBeforeReplace);
  result.setAdditionalsecretoutputsList(resource.options.additionalSecretOutputs);
  if (resource.parent) result.setParent(resource.parent);
  return result;
}

function providerOf(
  resource: RegisteredResource,
  registered: readonly RegisteredResource[],
  side: "inputs" | "outputs",
): analyzerproto.AnalyzerProviderResource | undefined {
  if (!resource.provider) return undefined;
  const urn = resource.provider.slice(0, resource.provider.lastIndexOf("::"));
  const provider = registered.find((candidate) => candidate.urn === urn);
  if (!provider) return undefined;
  const result = new analyzerproto.AnalyzerProviderResource();
  result.setType(provider.type);
  result.setUrn(provider.urn);
  result.setName(provider.name);
  result.setProperties(struct(provider[side]));
  return result;
}

function readAnalysis(response: analyzerproto.AnalyzeResponse, urn: string | undefined): AnalysisResult {
  const notApplicable = new Map<string, string[]>();
  for (const entry of response.getNotApplicableList()) {
    notApplicable.set(entry.getPolicyName(), [...(notApplicable.get(entry.getPolicyName()) ?? []), entry.getReason()]);
  }
  return {
    diagnostics: response.getDiagnosticsList().map((diagnostic) => ({
      policy: diagnostic.getPolicyname(),
      message: diagnostic.getMessage(),
      enforcementLevel: LEVEL_NAMES[diagnostic.getEnforcementlevel()] ?? "advisory",
      urn: diagnostic.getUrn() || urn,
    })),
    notApplicable,
  };
}
