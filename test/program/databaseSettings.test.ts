// A role setting for one database waits for that database, in the program and in the SQL plan.
import { beforeAll, expect, test } from "vitest";
import { planFromResources } from "../../src/sql/planFromResources";
import { runProgram, type ProgramRun } from "../../tools/lib/mockRuntime";
import { readStackFile } from "../../tools/lib/stackFile";
import { named, ofType, TYPES } from "../support/programRun";

let run: ProgramRun;
beforeAll(async () => {
  const file = readStackFile("test/fixtures/short-timeouts.yaml");
  run = await runProgram({ config: file.config, secretKeys: file.secretKeys, stack: "fixture", preview: true });
});

test("reader_app's IN DATABASE lock_timeout depends on app_db's Database resource", () => {
  const setting = named(run, TYPES.dynamic, "reader_app-settings-reader_app-app_db-lock_timeout");
  expect(setting.inputs).toMatchObject({
    fleetdbKind: "role-setting",
    role: "reader_app",
    database: "app_db",
    setting: "lock_timeout",
    value: 150,
  });
  expect(setting.dependencies).toContain(named(run, TYPES.database, "app_db-database").urn);
});

test("the role-level settings of the same role do not wait for any database", () => {
  const roleLevel = ofType(run, TYPES.dynamic).filter(
    (resource) => resource.inputs.fleetdbKind === "role-setting" && resource.inputs.database === undefined,
  );
  expect(roleLevel.map((resource) => resource.name).sort()).toEqual([
    "reader_app-settings-reader_app-idle_session_timeout",
    "reader_app-settings-reader_app-lock_timeout",
  ]);
  for (const setting of roleLevel)
    expect(setting.dependencies).not.toContain(named(run, TYPES.database, "app_db-database").urn);
});

test("the plan marks the IN DATABASE setting as needing app_db, after CREATE DATABASE", () => {
  const plan = planFromResources(run.resources);
  const names = plan.steps.map((step) => step.name);
  const setting = plan.steps.find((step) => step.name === "reader_app-settings-reader_app-app_db-lock_timeout")!;
  expect(setting).toMatchObject({ database: "postgres", requiresDatabase: "app_db", kind: "role-setting" });
  expect(names.indexOf(setting.name)).toBeGreaterThan(names.indexOf("app_db-database"));
});
