// The budget's inputs read from declared resources: every -c form of the server command, and each provider its own share.
import { describe, expect, test } from "vitest";
import { budgetFromResources } from "../../policies/core/budgetFromResources";
import { pinnedSettings } from "../../policies/core/serverSettings";

describe("pinnedSettings reads every form postgres accepts", () => {
  test.each<[string, unknown[], ReturnType<typeof pinnedSettings>]>([
    ["-c key=value", ["postgres", "-c", "max_connections=80"], { max_connections: 80 }],
    ["-ckey=value", ["postgres", "-cmax_connections=80"], { max_connections: 80 }],
    ["--key=value", ["postgres", "--max_connections=80"], { max_connections: 80 }],
    [
      "--key-with-dashes=value",
      ["postgres", "--superuser-reserved-connections=5"],
      { superuser_reserved_connections: 5 },
    ],
    [
      "all three settings",
      ["postgres", "-c", "max_connections=80", "-c", "superuser_reserved_connections=4", "-creserved_connections=2"],
      { max_connections: 80, superuser_reserved_connections: 4, reserved_connections: 2 },
    ],
    ["an unrelated setting", ["postgres", "-c", "shared_buffers=1GB"], {}],
    ["a value that is not a whole number", ["postgres", "-c", "max_connections=lots"], {}],
    ["a trailing -c", ["postgres", "-c"], {}],
  ])("%s", (_name, command, pinned) => {
    expect(pinnedSettings(command)).toEqual(pinned);
  });
});

test("each postgresql provider gets its own share, over the databases its own resources touch", () => {
  const provider = (name: string, maxConnections: number) => ({
    type: "pulumi:providers:postgresql",
    name,
    urn: `urn:${name}`,
    props: { database: "postgres", maxConnections: String(maxConnections) },
  });
  const grant = (name: string, database: string, owner: ReturnType<typeof provider>) => ({
    type: "postgresql:index/grant:Grant",
    name,
    urn: `urn:${name}`,
    props: { database },
    provider: { urn: owner.urn, props: owner.props },
  });
  const a = provider("a-provider", 2);
  const b = provider("b-provider", 3);
  const { input } = budgetFromResources(
    [a, b, grant("g1", "app1", a), grant("g2", "app2", a), grant("g3", "app1", b)],
    100,
  );
  expect(input.deployers).toEqual([
    { provider: "a-provider", maxConnections: 2, otherDatabases: 2 },
    { provider: "b-provider", maxConnections: 3, otherDatabases: 1 },
  ]);
});
