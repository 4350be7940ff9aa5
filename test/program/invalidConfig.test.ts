// Bad config stops the program before any resource is declared, and the error names the key.
import { expect, test } from "vitest";
import { ConfigError } from "../../src/config/load";
import { ProgramError, runProgram } from "../../tools/lib/mockRuntime";
import { readStackFile, stackFilePath } from "../../tools/lib/stackFile";

test("an unbounded login role: ConfigError naming the key, and nothing but the Stack registered", async () => {
  const file = readStackFile(stackFilePath("prod"));
  const roles = JSON.parse(file.config["fleetdb:roles"]);
  roles.gateway_app.connectionLimit = -1;
  const config = {
    ...file.config,
    "fleetdb:roles": JSON.stringify(roles),
    "fleetdb:superuserPassword": "s3cret-value",
  };
  const failure = await runProgram({
    config,
    secretKeys: ["fleetdb:superuserPassword"],
    stack: "prod",
    preview: true,
  }).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(ProgramError);
  const { cause, registered } = failure as ProgramError;
  expect(cause).toBeInstanceOf(ConfigError);
  expect((cause as ConfigError).problems).toEqual([
    "fleetdb:roles.gateway_app.connectionLimit: a login role needs a hard CONNECTION LIMIT: expected an integer >= 0 (0 for a login that only runs background jobs), got -1",
  ]);
  expect((cause as Error).message).not.toContain("s3cret-value");
  expect(registered.map((resource) => resource.type)).toEqual(["pulumi:pulumi:Stack"]);
});
