// npm run resources: the capture provider-check reads, for the prod stack and refused input.
import { beforeAll, describe, expect, test } from "vitest";
import { providerCapture, type ProviderCapture } from "../../tools/lib/providerCapture";
import { UNKNOWN } from "../../tools/lib/mockRuntime";
import { runTool, type ToolResult } from "../support/runTool";

let prod: ToolResult;
let capture: ProviderCapture;

beforeAll(async () => {
  prod = await runTool("resources", ["--stack", "prod"]);
  capture = JSON.parse(prod.stdout) as ProviderCapture;
}, 120_000);

const PREFIX = "urn:pulumi:prod::fleetdb::";

describe("npm run resources -- --stack prod", () => {
  test("exits 0 and counts what it wrote on stderr", () => {
    expect(prod.code).toBe(0);
    expect(prod.stderr).toBe("resources: 103 provider resources, 9 of fleetdb's own, stack prod\n");
  });

  test("the provider's inputs, without its password", () => {
    expect(capture.provider).toEqual({
      connectTimeout: "15",
      database: "postgres",
      expectedVersion: "16.0.0",
      maxConnections: "2",
      sslmode: "disable",
      superuser: "true",
      username: "postgres",
    });
  });

  test("a provider resource keeps its inputs; a generated password stays unknown", () => {
    const role = capture.resources.find((resource) => resource.name === "gateway_app-role")!;
    expect(role.type).toBe("postgresql:index/role:Role");
    expect(role.inputs).toMatchObject({ name: "gateway_app", login: true, connectionLimit: 15, password: UNKNOWN });
    expect(role.kind).toBeUndefined();
    expect(role.secretInputs).toEqual([]);
  });

  test("a role setting carries the plan's statement and waits for its role", () => {
    const setting = capture.resources.find(
      (resource) => resource.name === "gateway_app-settings-gateway_app-lock_timeout",
    )!;
    expect(setting).toMatchObject({
      kind: "role-setting",
      statements: [{ database: "postgres", sql: 'ALTER ROLE "gateway_app" SET "lock_timeout" = 5000' }],
    });
    expect(setting.dependencies).toContain(
      `${PREFIX}fleetdb:role:AppRole$postgresql:index/role:Role::gateway_app-role`,
    );
    // Its inputs (serialized code, the admin's connection) are not written: the statements say it all.
    expect(setting.inputs).toEqual({});
  });

  test("the superuser-password resource says why nothing runs for it", () => {
    const password = capture.resources.find((resource) => resource.kind === "superuser-password")!;
    expect(password.statements).toEqual([]);
    expect(password.inputs).toEqual({});
    expect(password.skip).toBe(
      "the deployer's password (the superuser's; in mode external the admin login's) is set by the stack's superuser-password resource (a SCRAM verifier, with the credential that works now), never by the plan",
    );
  });

  test("every dependency is a captured resource", () => {
    const urns = new Set(capture.resources.map((resource) => resource.urn));
    const outside = capture.resources.flatMap((resource) => resource.dependencies.filter((urn) => !urns.has(urn)));
    expect(outside).toEqual([]);
    expect(capture.resources.filter((resource) => resource.dependencies.length > 0)).toHaveLength(105);
  });
});

test("a file that fails validation is refused with exit 2", async () => {
  const result = await runTool("resources", ["--config-file", "test/fixtures/unbounded-role.yaml"]);
  expect(result.code).toBe(2);
  expect(result.stdout).toBe("");
});

test("a secret input never reaches the capture", () => {
  const registered = (type: string, name: string, inputs: Record<string, unknown>, secretInputs: string[] = []) => ({
    urn: `urn:${name}`,
    type,
    name,
    custom: true,
    parent: undefined,
    provider: undefined,
    dependencies: [],
    propertyDependencies: {},
    inputs,
    outputs: {},
    secretInputs,
    options: {
      protect: false,
      deleteBeforeReplace: false,
      retainOnDelete: false,
      ignoreChanges: [],
      additionalSecretOutputs: [],
    },
  });
  const capture = providerCapture("s", [
    registered("pulumi:providers:postgresql", "p", { username: "admin", password: "provider-secret" }, ["password"]),
    registered("postgresql:index/role:Role", "r", { name: "r", login: true, password: "role-secret" }, ["password"]),
  ]);
  for (const secret of ["provider-secret", "role-secret"]) expect(JSON.stringify(capture)).not.toContain(secret);
  expect(capture.provider).toEqual({ username: "admin" });
  expect(capture.resources).toEqual([
    {
      urn: "urn:r",
      type: "postgresql:index/role:Role",
      name: "r",
      dependencies: [],
      inputs: { name: "r", login: true },
      secretInputs: ["password"],
    },
  ]);
});
