// The gate's runtime refuses a URN registered twice, exactly as the engine does (the mock monitor would not).
import * as path from "node:path";
import { expect, test } from "vitest";
import { ProgramError, runProgram } from "../../tools/lib/mockRuntime";

test("a program that registers one resource twice fails with the engine's message", async () => {
  const entry = path.resolve(__dirname, "..", "fixtures", "programs", "duplicateUrn.ts");
  const failure = await runProgram({ config: {}, secretKeys: [], stack: "t", preview: true, entry }).catch(
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(ProgramError);
  expect((failure as ProgramError).message).toBe(
    "Duplicate resource URN 'urn:pulumi:t::fleetdb::pulumi:pulumi:Stack$postgresql:index/role:Role::twice-role'; try giving it a unique name",
  );
  expect((failure as ProgramError).registered.filter((resource) => resource.name === "twice-role")).toHaveLength(1);
});
