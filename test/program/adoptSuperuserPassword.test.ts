// Adopting a live server: with superuserPassword set and no rotation marker, the stack logs in with the
// configured password and sets nothing new; the generated one waits, unused, for the first rotation.
import { expect, test } from "vitest";
import { TYPES } from "../../policies/core/resourceTypes";
import { mockPassword, runProgram } from "../../tools/lib/mockRuntime";
import { readStackFile, stackFilePath } from "../../tools/lib/stackFile";
import { named, ofType } from "../support/programRun";

test("the configured live password is the provider's, the container's and the superuser-password resource's", async () => {
  const file = readStackFile(stackFilePath("prod"));
  const config = { ...file.config };
  delete config["fleetdb:superuserPasswordRotation"];
  const live = "the-live-leaked-password";
  const run = await runProgram({
    config: { ...config, "fleetdb:superuserPassword": live },
    secretKeys: ["fleetdb:superuserPassword"],
    stack: "prod",
    preview: false,
  });
  const provider = named(run, TYPES.postgresqlProvider, "admin-provider");
  const container = named(run, TYPES.container, "timescale-container");
  const superuser = ofType(run, TYPES.dynamic).find(
    (resource) => resource.inputs.fleetdbKind === "superuser-password",
  )!;
  expect(provider.inputs.password).toBe(live);
  expect(provider.secretInputs).toContain("password");
  expect(container.inputs.envs).toContain(`POSTGRES_PASSWORD=${live}`);
  expect([superuser.inputs.password, superuser.inputs.bootstrapPassword]).toEqual([live, live]);
  // The generated password exists, keyed to the initial marker, and is not in use.
  expect(named(run, TYPES.randomPassword, "superuser-password").inputs.keepers).toEqual({ rotation: "initial" });
  expect(JSON.stringify(provider.inputs)).not.toContain(mockPassword("superuser-password"));
});
