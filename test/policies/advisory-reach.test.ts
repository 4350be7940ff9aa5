// admin-reserved-slots and contained-extensions: a compliant resource, then one changed field per case.
import { describe, expect, test } from "vitest";
import { adminReservedSlots } from "../../policies/admin-reserved-slots";
import { containedExtensions } from "../../policies/contained-extensions";
import { runResourcePolicy } from "./harness";

const container = (command: string[]) => ({
  type: "docker:index/container:Container",
  name: "c",
  props: { name: "timescaledb", command },
});
const extension = (name: string) => ({
  type: "postgresql:index/extension:Extension",
  name: `e-${name}`,
  props: { name, database: "tracksolid_db" },
});

describe("admin-reserved-slots", () => {
  test("the default 3 reserved slots pass", async () => {
    expect(
      await runResourcePolicy(adminReservedSlots, container(["postgres", "-c", "superuser_reserved_connections=3"])),
    ).toEqual({ violations: [] });
  });
  test("0 reserved slots warns", async () => {
    expect(
      await runResourcePolicy(adminReservedSlots, container(["postgres", "-c", "superuser_reserved_connections=0"])),
    ).toEqual({
      violations: [
        "container timescaledb pins superuser_reserved_connections=0: when the server is full no admin can connect; keep at least 1 (3 is the default)",
      ],
    });
  });
  test("another resource type is not applicable", async () => {
    expect(await runResourcePolicy(adminReservedSlots, extension("timescaledb"))).toEqual({
      violations: [],
      notApplicable: "Policy only applies to resources of type 'docker:index/container:Container'",
    });
  });
});

describe("contained-extensions", () => {
  test("timescaledb passes", async () => {
    expect(await runResourcePolicy(containedExtensions, extension("timescaledb"))).toEqual({ violations: [] });
  });
  test.each([
    ["plpython3u", "runs Python as the server's OS user"],
    ["file_fdw", "reads the server's files"],
    ["adminpack", "reads and writes the server's files"],
    ["dblink", "opens connections from the server"],
    ["postgres_fdw", "opens connections from the server"],
  ])("%s warns", async (name, reach) => {
    expect(await runResourcePolicy(containedExtensions, extension(name))).toEqual({
      violations: [`extension ${name} in database tracksolid_db ${reach}: remove it unless a review needs it`],
    });
  });
});
