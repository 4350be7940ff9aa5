// The external, prod-like stack (test/fixtures/external.yaml) under Pulumi's mock runtime: no docker resources,
// the provider as the platform's non-superuser admin over verified TLS, the URLs, and the budget's platform slots.
import { beforeAll, describe, expect, test } from "vitest";
import { budgetFromResources } from "../../policies/core/budgetFromResources";
import { computeBudget } from "../../policies/core/connectionBudget";
import { runProgram, type ProgramRun } from "../../tools/lib/mockRuntime";
import { placeholderFor, readStackFile } from "../../tools/lib/stackFile";
import { stackPolicyResources } from "../../tools/lib/stackPolicyResources";
import { named, ofType, TYPES } from "../support/programRun";

let run: ProgramRun;
beforeAll(async () => {
  const file = readStackFile("test/fixtures/external.yaml");
  run = await runProgram({ config: file.config, secretKeys: file.secretKeys, stack: "external", preview: false });
});

const HOST = "fleetdb-prod.c1a2b3c4d5e6.eu-west-1.rds.amazonaws.com";

describe("no server of its own", () => {
  test("registers no docker resource and no container; the admin login's password resource keeps fleetdb:adminPassword", () => {
    expect(run.resources.filter((resource) => /docker:|TimescaleServer|AdminConnection/.test(resource.type))).toEqual(
      [],
    );
    expect(ofType(run, "fleetdb:server:ExternalServer").map((resource) => resource.name)).toEqual(["external"]);
    // Until fleetdb:adminPasswordRotation is set, the resource only proves the configured password logs in.
    const password = run.resources.filter((resource) => resource.inputs.fleetdbKind === "superuser-password");
    expect(password.map((resource) => resource.name)).toEqual(["external-admin-password"]);
    expect(password[0].inputs).toMatchObject({
      admin: { user: "fleetdb_admin", sslmode: "verify-full", sslrootcert: "certs/rds-global-bundle.pem" },
      password: placeholderFor("fleetdb:adminPassword"),
      bootstrapPassword: placeholderFor("fleetdb:adminPassword"),
      configKeys: { password: "adminPassword", rotation: "adminPasswordRotation" },
    });
    expect([...password[0].secretInputs].sort()).toEqual(["bootstrapPassword", "password", "verifier"]);
  });
});

describe("the postgresql provider", () => {
  test("the external endpoint, verify-full with the CA bundle, superuser false, the admin login's password", () => {
    const provider = named(run, TYPES.postgresqlProvider, "external-provider");
    expect(provider.inputs).toEqual({
      host: HOST,
      port: "5432",
      database: "postgres",
      username: "fleetdb_admin",
      password: placeholderFor("fleetdb:adminPassword"),
      sslmode: "verify-full",
      sslrootcert: "certs/rds-global-bundle.pem",
      superuser: "false",
      maxConnections: "2",
      connectTimeout: "15",
      expectedVersion: "16.0.0",
    });
    expect(provider.secretInputs).toEqual(["password"]);
    expect(provider.parent).toBe(named(run, "fleetdb:server:ExternalServer", "external").urn);
  });

  test("is passed explicitly to every postgresql resource", () => {
    const provider = named(run, TYPES.postgresqlProvider, "external-provider");
    const postgresResources = run.resources.filter((resource) => resource.type.startsWith("postgresql:"));
    expect(postgresResources.length).toBeGreaterThan(50);
    for (const resource of postgresResources)
      expect(resource.provider, resource.name).toBe(`${provider.urn}::${provider.name}-id`);
  });
});

describe("outputs", () => {
  test("each DATABASE_URL carries the server's host, sslmode and the service's own CA bundle path", () => {
    const urls = run.outputs.databaseUrls as Record<string, string>;
    const tls = Object.fromEntries(
      Object.entries(urls).map(([service, url]) => {
        const parsed = new URL(url);
        return [service, `${parsed.host} ${parsed.pathname} ${parsed.search}`];
      }),
    );
    const query = (service: string, ca: string) =>
      `?application_name=${service}&sslmode=verify-full&sslrootcert=${encodeURIComponent(ca)}`;
    const rds = "certs/rds-global-bundle.pem";
    expect(tls).toEqual({
      webhook_receiver: `${HOST}:5432 /tracksolid_db ${query("webhook_receiver", "/etc/fleetdb/rds-global-bundle.pem")}`,
      ingest_worker: `${HOST}:5432 /tracksolid_db ${query("ingest_worker", rds)}`,
      worker: `${HOST}:5432 /tracksolid_db ${query("worker", rds)}`,
      dashboard_api: `${HOST}:5432 /tracksolid_db ${query("dashboard_api", rds)}`,
      gateway: `${HOST}:5432 /fleet_platform ${query("gateway", rds)}`,
      cron: `${HOST}:5432 /fleet_platform ${query("cron", rds)}`,
    });
    expect(run.secretOutputs).toContain("databaseUrls");
  });

  test("the auditor's URL and the admin endpoint name the server, verify-full and the CA bundle", () => {
    const auditor = new URL(run.outputs.auditorUrl as string);
    expect(`${auditor.username}@${auditor.host}${auditor.pathname}${auditor.search}`).toBe(
      `fleetdb_auditor@${HOST}:5432/postgres?application_name=fleetdb-audit&sslmode=verify-full&sslrootcert=certs%2Frds-global-bundle.pem`,
    );
    expect(run.outputs.adminEndpoint).toEqual({
      host: HOST,
      port: "5432",
      database: "postgres",
      username: "fleetdb_admin",
      sslmode: "verify-full",
      sslrootcert: "certs/rds-global-bundle.pem",
    });
  });

  test("the exported budget counts the platform's slots and agrees with the policy's computation", () => {
    const exported = run.outputs.connectionBudget as ReturnType<typeof computeBudget>;
    expect(exported.lines.filter((line) => line.kind === "reserved")).toEqual([
      { kind: "reserved", name: "platform reserved", slots: 5, detail: "superuser and platform slots, declared" },
    ]);
    expect(exported).toMatchObject({ maxConnections: 100, total: 100, headroom: 0, platformReservedConnections: 5 });
    const computed = computeBudget(budgetFromResources(stackPolicyResources(run), 100).input);
    expect(computed).toEqual(exported);
  });
});
