// Rotation under mocks (which compute no diffs): changing a marker changes exactly the keepers it should.
import { beforeAll, expect, test, vi } from "vitest";
import type { ProgramRun, RegisteredResource } from "../../tools/lib/mockRuntime";
import { runStack } from "../support/programRun";

const runs: Record<string, ProgramRun> = {};

/** Runs the dev program once per marker pair; the program module is loaded afresh each time. */
async function runWith(markers: { app: string; superuser: string }): Promise<ProgramRun> {
  vi.resetModules();
  return runStack("dev", {
    "fleetdb:passwordRotation": markers.app,
    "fleetdb:superuserPasswordRotation": markers.superuser,
  });
}

beforeAll(async () => {
  runs.before = await runWith({ app: "1", superuser: "dev-1" });
  runs.app = await runWith({ app: "2", superuser: "dev-1" });
  runs.superuser = await runWith({ app: "1", superuser: "dev-2" });
});

/** name → inputs, for every resource, with the two runs lined up. */
function changedInputs(before: ProgramRun, after: ProgramRun): Record<string, { before: unknown; after: unknown }> {
  const byUrn = (run: ProgramRun) =>
    new Map(run.resources.map((resource: RegisteredResource) => [resource.urn, resource]));
  const old = byUrn(before);
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  expect([...byUrn(after).keys()].sort()).toEqual([...old.keys()].sort());
  for (const [urn, resource] of byUrn(after)) {
    const previous = old.get(urn)!;
    for (const key of new Set([...Object.keys(previous.inputs), ...Object.keys(resource.inputs)])) {
      if (key === "__provider") continue;
      if (JSON.stringify(previous.inputs[key]) !== JSON.stringify(resource.inputs[key])) {
        changes[`${resource.name}.${key}`] = { before: previous.inputs[key], after: resource.inputs[key] };
      }
    }
  }
  return changes;
}

test("the app marker (generation 1 → 2): the single roles and the logins that become active get new passwords and salts; nothing else changes", () => {
  const rotated = ["tracksolid_owner_a", "dashboard_app", "gateway_app_a", "cron_app"];
  expect(changedInputs(runs.before, runs.app)).toEqual(
    Object.fromEntries(
      rotated.flatMap((login) => {
        const before = login.endsWith("_a") ? "0" : "1";
        return [
          [`${login}-password.keepers`, { before: { rotation: before }, after: { rotation: "2" } }],
          [`${login}-salt.keepers`, { before: { rotation: before }, after: { rotation: "2" } }],
        ];
      }),
    ),
  );
});

test("the alternating services move to the login that was just rotated; the other login keeps its password", () => {
  const login = (run: ProgramRun, service: string) =>
    new URL((run.outputs.databaseUrls as Record<string, string>)[service]).username;
  expect([login(runs.before, "gateway"), login(runs.app, "gateway")]).toEqual(["gateway_app_b", "gateway_app_a"]);
  expect([login(runs.before, "worker"), login(runs.app, "worker")]).toEqual([
    "tracksolid_owner_b",
    "tracksolid_owner_a",
  ]);
  expect([login(runs.before, "cron"), login(runs.app, "cron")]).toEqual(["cron_app", "cron_app"]);
});

test("the superuser's marker changes only the superuser's generated password and salt", () => {
  expect(changedInputs(runs.before, runs.superuser)).toEqual({
    "superuser-password.keepers": { before: { rotation: "dev-1" }, after: { rotation: "dev-2" } },
    "superuser-salt.keepers": { before: { rotation: "dev-1" }, after: { rotation: "dev-2" } },
  });
});

test("the budget total is the same in every generation", () => {
  const total = (run: ProgramRun) => (run.outputs.connectionBudget as { total: number }).total;
  expect([total(runs.before), total(runs.app), total(runs.superuser)]).toEqual([41, 41, 41]);
});
