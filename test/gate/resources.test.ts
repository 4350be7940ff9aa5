// npm run resources: the capture provider-check reads, for the prod stack and refused input.
import { beforeAll, describe, expect, test } from "vitest";
import type { ProviderCapture } from "../../tools/lib/providerCapture";
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
    expect(prod.stderr).toBe("resources: 99 provider resources, 9 of fleetdb's own, stack prod\n");
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
    expect(setting.inputs).not.toHaveProperty("__provider");
  });

  test("the superuser-password resource says why nothing runs for it", () => {
    const password = capture.resources.find((resource) => resource.kind === "superuser-password")!;
    expect(password.statements).toEqual([]);
    expect(password.skip).toBe(
      "the superuser's password is set by the stack's superuser-password resource (a SCRAM verifier, with the credential that works now), never by the plan",
    );
  });

  test("every dependency is a captured resource", () => {
    const urns = new Set(capture.resources.map((resource) => resource.urn));
    const outside = capture.resources.flatMap((resource) => resource.dependencies.filter((urn) => !urns.has(urn)));
    expect(outside).toEqual([]);
    expect(capture.resources.filter((resource) => resource.dependencies.length > 0)).toHaveLength(99);
  });
});

test("a file that fails validation is refused with exit 2", async () => {
  const result = await runTool("resources", ["--config-file", "test/fixtures/unbounded-role.yaml"]);
  expect(result.code).toBe(2);
  expect(result.stdout).toBe("");
});
