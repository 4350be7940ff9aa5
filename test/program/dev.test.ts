// The dev stack under Pulumi's mock runtime: prod's shape at laptop size, and the component type tokens.
import { beforeAll, describe, expect, test } from "vitest";
import type { ProgramRun } from "../../tools/lib/mockRuntime";
import { named, ofType, runStack, TYPES } from "../support/programRun";

let run: ProgramRun;
beforeAll(async () => {
  run = await runStack("dev");
});

describe("dev", () => {
  test("the same roles and groups as prod, with smaller limits", () => {
    const roles = Object.fromEntries(ofType(run, TYPES.role).map((role) => [role.inputs.name, role.inputs.login ? role.inputs.connectionLimit : "group"]));
    expect(roles).toEqual({ ts_read: "group", fleet_owner: "group", fp_rw: "group", tracksolid_owner: 10, dashboard_app: 3, gateway_app: 5, cron_app: 2 });
  });

  test("a 50-slot server on 127.0.0.1:5433, reached by the provider at that address", () => {
    const container = named(run, TYPES.container, "timescale-container");
    expect(container.inputs.ports).toEqual([{ internal: 5432, external: 5433, ip: "127.0.0.1", protocol: "tcp" }]);
    expect(container.inputs.command).toEqual(["postgres", "-c", "max_connections=50", "-c", "superuser_reserved_connections=3", "-c", "reserved_connections=0"]);
    expect(named(run, TYPES.provider, "admin-provider").inputs).toMatchObject({ host: "127.0.0.1", port: "5433", sslmode: "disable", maxConnections: "2" });
    expect(run.outputs.adminEndpoint).toEqual({ host: "127.0.0.1", port: "5433", database: "postgres", username: "postgres", sslmode: "disable" });
  });

  test("the budget fits: 20 managed + 5 unmanaged + 9 deployer + 3 reserved = 37 of 50", () => {
    expect(run.outputs.connectionBudget).toMatchObject({ total: 37, maxConnections: 50, headroom: 13, fits: true });
  });

  test("six secret DATABASE_URLs", () => {
    expect(run.secretOutputs).toEqual(["databaseUrls"]);
    expect(Object.keys(run.outputs.databaseUrls as object)).toEqual(["webhook_receiver", "ingest_worker", "worker", "dashboard_api", "gateway", "cron"]);
  });
});

test("component type tokens (renaming one needs an alias, so this list changes only on purpose)", () => {
  const tokens = [...new Set(run.resources.filter((resource) => !resource.custom && resource.type !== "pulumi:pulumi:Stack").map((resource) => resource.type))].sort();
  expect(tokens).toEqual([
    "fleetdb:access:SchemaPrivileges",
    "fleetdb:database:AppDatabase",
    "fleetdb:database:DatabaseAccess",
    "fleetdb:role:AppRole",
    "fleetdb:role:GroupRole",
    "fleetdb:server:AdminConnection",
    "fleetdb:server:AdminCredential",
    "fleetdb:server:TimescaleServer",
  ]);
});
