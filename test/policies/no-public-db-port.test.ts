// no-public-db-port: keyed on container port 5432 and the configured host ports, never on the image.
import { describe, expect, test } from "vitest";
import { isLoopback } from "../../policies/core/addresses";
import { noPublicDbPort } from "../../policies/no-public-db-port";
import { runResourcePolicy, UNKNOWN, type TestResource } from "./harness";

function dbContainer(change: Record<string, unknown> = {}): TestResource {
  return {
    type: "docker:index/container:Container",
    name: "timescale-container",
    props: {
      name: "timescaledb",
      image: "sha256:abc",
      ports: [{ internal: 5432, external: 5433, ip: "127.0.0.1", protocol: "tcp" }],
      ...change,
    },
  };
}
const publishing = (port: Record<string, unknown>) => dbContainer({ ports: [port] });

describe("no-public-db-port", () => {
  test("127.0.0.1:5433 → 5432 passes", async () => {
    expect(await runResourcePolicy(noPublicDbPort, dbContainer())).toEqual({ violations: [] });
  });

  test.each<[string, Record<string, unknown>]>([
    ["anywhere in 127.0.0.0/8", { internal: 5432, external: 5433, ip: "127.0.0.2" }],
    ["::1", { internal: 5432, external: 5433, ip: "::1" }],
    ["[::1]", { internal: 5432, external: 5433, ip: "[::1]" }],
    ["an unrelated public port", { internal: 8080, external: 80, ip: "0.0.0.0" }],
    ["the pooler's port on loopback", { internal: 6432, external: 6432, ip: "127.0.0.1" }],
  ])("%s passes", async (_case, port) => {
    expect(await runResourcePolicy(noPublicDbPort, publishing(port))).toEqual({ violations: [] });
  });

  test.each<[string, Record<string, unknown>, string]>([
    [
      "an omitted ip (docker's default)",
      { internal: 5432, external: 5433 },
      "container timescaledb publishes PostgreSQL 5433:5432 on no ip (docker's default 0.0.0.0), beyond loopback: set ip to 127.0.0.1",
    ],
    [
      "0.0.0.0 on host port 5433, internal 5432",
      { internal: 5432, external: 5433, ip: "0.0.0.0" },
      "container timescaledb publishes PostgreSQL 5433:5432 on ip 0.0.0.0, beyond loopback: set ip to 127.0.0.1",
    ],
    [
      "::",
      { internal: 5432, external: 5433, ip: "::" },
      "container timescaledb publishes PostgreSQL 5433:5432 on ip ::, beyond loopback: set ip to 127.0.0.1",
    ],
    [
      "[::]",
      { internal: 5432, external: 5433, ip: "[::]" },
      "container timescaledb publishes PostgreSQL 5433:5432 on ip [::], beyond loopback: set ip to 127.0.0.1",
    ],
    [
      "a routable address",
      { internal: 5432, external: 5433, ip: "10.0.0.5" },
      "container timescaledb publishes PostgreSQL 5433:5432 on ip 10.0.0.5, beyond loopback: set ip to 127.0.0.1",
    ],
    [
      "the configured host port with another container port",
      { internal: 6432, external: 5433, ip: "0.0.0.0" },
      "container timescaledb publishes PostgreSQL 5433:6432 on ip 0.0.0.0, beyond loopback: set ip to 127.0.0.1",
    ],
    [
      "no host port (docker picks one)",
      { internal: 5432, ip: "0.0.0.0" },
      "container timescaledb publishes PostgreSQL (a random host port):5432 on ip 0.0.0.0, beyond loopback: set ip to 127.0.0.1",
    ],
    [
      "the pooler's port 6432 on 0.0.0.0",
      { internal: 6432, external: 6432, ip: "0.0.0.0" },
      "container timescaledb publishes PostgreSQL 6432:6432 on ip 0.0.0.0, beyond loopback: set ip to 127.0.0.1",
    ],
    [
      "ports as JSON text",
      { internal: "5432", external: "5433", ip: "0.0.0.0" },
      "container timescaledb publishes PostgreSQL 5433:5432 on ip 0.0.0.0, beyond loopback: set ip to 127.0.0.1",
    ],
  ])("%s is public", async (_case, port, message) => {
    expect(await runResourcePolicy(noPublicDbPort, publishing(port))).toEqual({ violations: [message] });
  });

  test("host networking is public", async () => {
    expect(await runResourcePolicy(noPublicDbPort, dbContainer({ ports: [], networkMode: "host" }))).toEqual({
      violations: [
        "container timescaledb uses networkMode: host: PostgreSQL listens on every host interface and the image trusts its loopback; use a bridge network and publish on 127.0.0.1",
      ],
    });
  });

  test("publishAllPorts is public", async () => {
    expect(await runResourcePolicy(noPublicDbPort, dbContainer({ ports: [], publishAllPorts: true }))).toEqual({
      violations: [
        "container timescaledb sets publishAllPorts: every exposed port, 5432 included, is published on 0.0.0.0; list its ports with ip: 127.0.0.1 instead",
      ],
    });
  });

  test("configured host ports widen the rule", async () => {
    const other = publishing({ internal: 7000, external: 7000, ip: "0.0.0.0" });
    expect((await runResourcePolicy(noPublicDbPort, other)).violations).toEqual([]);
    expect((await runResourcePolicy(noPublicDbPort, other, { hostPorts: [5433, 7000] })).violations).toHaveLength(1);
  });

  test("the image is never consulted: an unknown image id at preview changes nothing", async () => {
    expect(await runResourcePolicy(noPublicDbPort, dbContainer({ image: UNKNOWN }))).toEqual({ violations: [] });
  });

  test("an unknown ip at preview: the policy cannot run, as the server reports it", async () => {
    expect(
      await runResourcePolicy(noPublicDbPort, publishing({ internal: 5432, external: 5433, ip: UNKNOWN })),
    ).toEqual({
      violations: [],
      unknown: "string value at .ports.0.ip can't be known during preview",
    });
  });

  test("other resource types are not applicable", async () => {
    expect(
      (await runResourcePolicy(noPublicDbPort, { type: "docker:index/network:Network", name: "n", props: {} }))
        .notApplicable,
    ).toBe("Policy only applies to resources of type 'docker:index/container:Container'");
  });
});

test.each<[string | undefined, boolean]>([
  ["127.0.0.1", true],
  ["127.255.0.1", true],
  ["127.0.0.1/32", true],
  ["::1", true],
  ["[::1]", true],
  ["::ffff:127.0.0.1", true],
  [undefined, false],
  ["", false],
  ["0.0.0.0", false],
  ["::", false],
  ["192.168.1.10", false],
  ["localhost", false],
])("isLoopback(%j) is %s", (ip, loopback) => {
  expect(isLoopback(ip)).toBe(loopback);
});
