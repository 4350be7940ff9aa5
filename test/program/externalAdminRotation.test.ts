// fleetdb:adminPasswordRotation set on the external stack: the admin login gets a generated password, set on
// the server by the admin-password resource and used by the provider and fleetdb's own resources from then on.
import { beforeAll, describe, expect, test } from "vitest";
import { mockPassword, runProgram, type ProgramRun } from "../../tools/lib/mockRuntime";
import { placeholderFor, readStackFile } from "../../tools/lib/stackFile";
import { named, TYPES } from "../support/programRun";

let run: ProgramRun;
beforeAll(async () => {
  const file = readStackFile("test/fixtures/external.yaml");
  run = await runProgram({
    config: { ...file.config, "fleetdb:adminPasswordRotation": "2026-12-01" },
    secretKeys: file.secretKeys,
    stack: "external",
    preview: false,
  });
});

describe("the admin login's rotation", () => {
  test("a generated password, keyed to the marker, with the configured one to log in with first", () => {
    expect(named(run, TYPES.randomPassword, "admin-login-password").inputs.keepers).toEqual({ rotation: "2026-12-01" });
    const resource = run.resources.find((candidate) => candidate.name === "external-admin-password")!;
    expect(resource.inputs).toMatchObject({
      password: mockPassword("admin-login-password"),
      bootstrapPassword: placeholderFor("fleetdb:adminPassword"),
    });
    expect(String(resource.inputs.verifier)).toMatch(/^SCRAM-SHA-256\$4096:/);
  });

  test("the provider logs in with the password the resource has set, as a secret", () => {
    const provider = named(run, TYPES.postgresqlProvider, "external-provider");
    expect(provider.inputs.password).toBe(mockPassword("admin-login-password"));
    expect(provider.secretInputs).toContain("password");
    expect(provider.dependencies).toContain(
      run.resources.find((candidate) => candidate.name === "external-admin-password")!.urn,
    );
  });
});
