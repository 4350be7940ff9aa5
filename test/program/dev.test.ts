// The dev stack under Pulumi's mock runtime: prod's shape at laptop size, and the component type tokens.
import { beforeAll, describe, expect, test } from "vitest";
import type { ProgramRun } from "../../tools/lib/mockRuntime";
import { named, ofType, runStack, TYPES } from "../support/programRun";

let run: ProgramRun;
beforeAll(async () => {
  run = await runStack("dev");
});

describe("dev", () => {
  test("the same roles and groups as prod, with smaller limits; two roles alternate between two logins", () => {
    const roles = Object.fromEntries(
      ofType(run, TYPES.role).map((role) => [
        role.inputs.name,
        role.inputs.login ? role.inputs.connectionLimit : "group",
      ]),
    );
    expect(roles).toEqual({
      ts_read: "group",
      fleet_owner: "group",
      fp_rw: "group",
      tracksolid_owner: 0,
      tracksolid_owner_a: 6,
      tracksolid_owner_b: 6,
      dashboard_app: 3,
      gateway_app: "group",
      gateway_app_a: 3,
      gateway_app_b: 3,
      cron_app: 2,
    });
  });

  test("the alternating owner keeps LOGIN for TimescaleDB's jobs, with no password and CONNECTION LIMIT 0, and stays protected", () => {
    const owner = ofType(run, TYPES.role).find((role) => role.inputs.name === "tracksolid_owner")!;
    expect(owner.inputs).toMatchObject({
      login: true,
      connectionLimit: 0,
      statementTimeout: 0,
      idleInTransactionSessionTimeout: 600_000,
      roles: [],
    });
    expect(owner.inputs.password).toBeUndefined();
    expect(owner.options.protect).toBe(true);
  });

  test("each alternating login joins its group and acts as it from login; the group holds the grants' memberships", () => {
    for (const [group, memberOf] of [
      ["tracksolid_owner", []],
      ["gateway_app", ["fp_rw"]],
    ] as const) {
      expect(ofType(run, TYPES.role).find((role) => role.inputs.name === group)!.inputs.roles).toEqual(memberOf);
      for (const suffix of ["_a", "_b"]) {
        const login = ofType(run, TYPES.role).find((role) => role.inputs.name === `${group}${suffix}`)!;
        expect(login.inputs).toMatchObject({ login: true, roles: [group], assumeRole: group, superuser: false });
        expect(login.secretInputs).toContain("password");
        expect(login.options.protect).toBe(false);
      }
    }
  });

  test("generation 1: the _b logins are active (their passwords keyed 1), the _a ones keep generation 0", () => {
    const keepers = (name: string) => named(run, TYPES.randomPassword, `${name}-password`).inputs.keepers;
    expect([
      keepers("tracksolid_owner_a"),
      keepers("tracksolid_owner_b"),
      keepers("gateway_app_a"),
      keepers("gateway_app_b"),
      keepers("dashboard_app"),
    ]).toEqual([{ rotation: "0" }, { rotation: "1" }, { rotation: "0" }, { rotation: "1" }, { rotation: "1" }]);
    const logins = Object.fromEntries(
      Object.entries(run.outputs.databaseUrls as Record<string, string>).map(([service, url]) => [
        service,
        new URL(url).username,
      ]),
    );
    expect(logins).toEqual({
      webhook_receiver: "tracksolid_owner_b",
      ingest_worker: "tracksolid_owner_b",
      worker: "tracksolid_owner_b",
      dashboard_api: "dashboard_app",
      gateway: "gateway_app_b",
      cron: "cron_app",
    });
    expect((run.outputs.serviceRoles as Record<string, unknown>).gateway).toEqual({
      role: "gateway_app",
      login: "gateway_app_b",
    });
  });

  test("the superuser's own marker keys its password and salt", () => {
    expect(named(run, TYPES.randomPassword, "superuser-password").inputs.keepers).toEqual({ rotation: "dev-1" });
    expect(named(run, TYPES.randomBytes, "superuser-salt").inputs.keepers).toEqual({ rotation: "dev-1" });
  });

  test("a 50-slot server on 127.0.0.1:5433, reached by the provider at that address", () => {
    const container = named(run, TYPES.container, "timescale-container");
    expect(container.inputs.ports).toEqual([{ internal: 5432, external: 5433, ip: "127.0.0.1", protocol: "tcp" }]);
    expect(container.inputs.command).toEqual([
      "postgres",
      "-c",
      "max_connections=50",
      "-c",
      "superuser_reserved_connections=3",
      "-c",
      "reserved_connections=0",
    ]);
    expect(named(run, TYPES.postgresqlProvider, "admin-provider").inputs).toMatchObject({
      host: "127.0.0.1",
      port: "5433",
      sslmode: "disable",
      maxConnections: "2",
    });
    expect(run.outputs.adminEndpoint).toEqual({
      host: "127.0.0.1",
      port: "5433",
      database: "postgres",
      username: "postgres",
      sslmode: "disable",
    });
  });

  test("the budget fits: 23 managed (alternating limits split, same total) + 5 unmanaged + 10 deployer + 3 reserved = 41 of 50", () => {
    expect(run.outputs.connectionBudget).toMatchObject({ total: 41, maxConnections: 50, headroom: 9, fits: true });
  });

  test("six secret DATABASE_URLs", () => {
    expect(run.secretOutputs).toEqual(["databaseUrls"]);
    expect(Object.keys(run.outputs.databaseUrls as object)).toEqual([
      "webhook_receiver",
      "ingest_worker",
      "worker",
      "dashboard_api",
      "gateway",
      "cron",
    ]);
  });
});

test("component type tokens (renaming one needs an alias, so this list changes only on purpose)", () => {
  const tokens = [
    ...new Set(
      run.resources
        .filter((resource) => !resource.custom && resource.type !== "pulumi:pulumi:Stack")
        .map((resource) => resource.type),
    ),
  ].sort();
  expect(tokens).toEqual([
    "fleetdb:access:SchemaPrivileges",
    "fleetdb:database:AppDatabase",
    "fleetdb:database:DatabaseAccess",
    "fleetdb:role:AppRole",
    "fleetdb:role:GroupRole",
    "fleetdb:role:RoleSettings",
    "fleetdb:server:AdminConnection",
    "fleetdb:server:AdminCredential",
    "fleetdb:server:TimescaleServer",
  ]);
});
