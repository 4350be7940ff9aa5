// connection-budget: the sum the policy computes from declared resources, at the ceiling and one over.
import { describe, expect, test } from "vitest";
import { connectionBudget } from "../../policies/connection-budget";
import { runStackPolicy, UNKNOWN, type TestResource } from "./harness";

const PROVIDER = {
  type: "pulumi:providers:postgresql",
  name: "admin-provider",
  urn: "urn:pulumi:prod::fleetdb::pulumi:providers:postgresql::admin-provider",
};

interface Stack {
  limits: Record<string, unknown>;
  unmanaged: unknown;
  providerProps: Record<string, unknown>;
  command: unknown[] | undefined;
}

function prodLike(change: Partial<Stack> = {}): TestResource[] {
  const stack: Stack = {
    limits: { tracksolid_owner: 30, dashboard_app: 8, gateway_app: 15, cron_app: 5 },
    unmanaged: [
      { name: "reporting_refresher", slots: 4 },
      { name: "bi_reader", slots: 6 },
      { name: "backups", slots: 4 },
      { name: "admin_tools", slots: 14 },
    ],
    providerProps: { maxConnections: "2", database: "postgres", sslmode: "disable" },
    command: [
      "postgres",
      "-c",
      "max_connections=100",
      "-c",
      "superuser_reserved_connections=3",
      "-c",
      "reserved_connections=0",
    ],
    ...change,
  };
  const provider = { ...PROVIDER, props: stack.providerProps };
  const postgres = (type: string, name: string, props: Record<string, unknown>): TestResource => ({
    type,
    name,
    props,
    provider,
  });
  return [
    {
      type: "pulumi:pulumi:Stack",
      name: "fleetdb-prod",
      props: stack.unmanaged === undefined ? {} : { unmanagedConnections: stack.unmanaged },
    },
    { ...PROVIDER, props: stack.providerProps },
    ...Object.entries(stack.limits).map(([name, limit]) =>
      postgres(
        "postgresql:index/role:Role",
        `${name}-role`,
        limit === undefined ? { name, login: true } : { name, login: true, connectionLimit: limit },
      ),
    ),
    postgres("postgresql:index/role:Role", "fp_rw-role", { name: "fp_rw", login: false }),
    postgres("postgresql:index/database:Database", "tracksolid_db-database", { name: "tracksolid_db" }),
    postgres("postgresql:index/database:Database", "fleet_platform-database", { name: "fleet_platform" }),
    postgres("postgresql:index/schema:Schema", "fleet_platform-schema-auth", {
      name: "auth",
      database: "fleet_platform",
    }),
    postgres("postgresql:index/grant:Grant", "template1-access-public", {
      database: "template1",
      role: "public",
      objectType: "database",
      privileges: [],
    }),
    postgres("postgresql:index/grant:Grant", "postgres-access-public", {
      database: "postgres",
      role: "public",
      objectType: "database",
      privileges: [],
    }),
    {
      type: "docker:index/container:Container",
      name: "timescale-container",
      props: {
        name: "timescaledb",
        ports: [{ internal: 5432, external: 5433, ip: "127.0.0.1" }],
        ...(stack.command ? { command: stack.command } : {}),
      },
    },
  ];
}

const fix = "lower a role's connectionLimit, an unmanaged consumer's slots or the deployer's maxConnections";

describe("connection-budget", () => {
  test("the prod shape: 58 + 28 + 9 + 3 = 98 of 100 passes", async () => {
    expect(await runStackPolicy(connectionBudget, prodLike())).toEqual({ violations: [] });
  });

  test("exactly at the ceiling passes; one over fails with the table", async () => {
    const at = prodLike({ unmanaged: [{ name: "others", slots: 30 }] });
    expect(await runStackPolicy(connectionBudget, at)).toEqual({ violations: [] });
    const over = await runStackPolicy(connectionBudget, prodLike({ unmanaged: [{ name: "others", slots: 31 }] }));
    expect(over.violations).toHaveLength(1);
    expect(over.violations[0]).toMatch(
      new RegExp(`^connections over budget: 101 of max_connections 100 \\(1 over\\): ${fix}\\n`),
    );
    for (const row of [
      "tracksolid_owner",
      "others",
      "admin-provider pools: 2 × (3 + 1) + 1",
      "superuser_reserved_connections",
      "total",
      "over by",
    ]) {
      expect(over.violations[0]).toContain(row);
    }
  });

  test("maxConnections arrives as JSON text, as the engine sends provider config", async () => {
    const bigger = await runStackPolicy(
      connectionBudget,
      prodLike({ providerProps: { maxConnections: "3", database: "postgres" } }),
    );
    expect(bigger.violations[0]).toMatch(/^connections over budget: 102 of max_connections 100 \(2 over\)/);
  });

  test("an omitted maxConnections is the provider's default 20", async () => {
    const unset = await runStackPolicy(connectionBudget, prodLike({ providerProps: { database: "postgres" } }));
    expect(unset.violations[0]).toMatch(/^connections over budget: 170 of max_connections 100 \(70 over\)/);
  });

  test("maxConnections 0 means unlimited pools", async () => {
    const unbounded = await runStackPolicy(
      connectionBudget,
      prodLike({ providerProps: { maxConnections: "0", database: "postgres" } }),
    );
    expect(unbounded.violations).toEqual([
      "postgresql provider admin-provider has maxConnections 0 (unlimited pools): set maxConnections (the budget's deployerMaxConnections)",
    ]);
  });

  test("a login role with limit -1 is a violation on its own", async () => {
    const outcome = await runStackPolicy(connectionBudget, prodLike({ limits: { gateway_app: -1 } }));
    expect(outcome.violations).toEqual([
      "login role gateway_app has no CONNECTION LIMIT (-1): it alone can take every slot; set its connectionLimit",
    ]);
  });

  test("a login role with no limit at all is -1 (the provider's default)", async () => {
    const outcome = await runStackPolicy(connectionBudget, prodLike({ limits: { gateway_app: undefined } }));
    expect(outcome.violations).toEqual([
      "login role gateway_app has no CONNECTION LIMIT (-1): it alone can take every slot; set its connectionLimit",
    ]);
  });

  test("a declared max_connections above the ceiling", async () => {
    const outcome = await runStackPolicy(
      connectionBudget,
      prodLike({ command: ["postgres", "-c", "max_connections=200"] }),
    );
    expect(outcome.violations).toEqual([
      "container timescale-container sets max_connections=200, above the ceiling 100: lower it, or raise maxConnectionsCeiling in the policy config after sizing the server's memory",
    ]);
  });

  test("a higher ceiling in the policy config allows it", async () => {
    expect(
      await runStackPolicy(connectionBudget, prodLike({ command: ["postgres", "-c", "max_connections=200"] }), {
        maxConnectionsCeiling: 200,
      }),
    ).toEqual({ violations: [] });
  });

  test("reserved slots are read from the command", async () => {
    const outcome = await runStackPolicy(
      connectionBudget,
      prodLike({
        command: [
          "postgres",
          "-c",
          "max_connections=100",
          "-c",
          "superuser_reserved_connections=3",
          "-c",
          "reserved_connections=3",
        ],
      }),
    );
    expect(outcome.violations[0]).toMatch(/^connections over budget: 101 of max_connections 100 \(1 over\)/);
  });

  test("a database container that does not pin max_connections", async () => {
    const outcome = await runStackPolicy(connectionBudget, prodLike({ command: undefined }));
    expect(outcome.violations).toEqual([
      "container timescale-container does not pin max_connections on its command: timescaledb-tune rewrites it from the container's memory (25 at 2 GB or less); add -c max_connections=100",
    ]);
  });

  test("fleetdb's dynamic resources add one connection (they run one at a time); anyone else's are not counted", async () => {
    const withDynamic = [
      ...prodLike({ unmanaged: [{ name: "others", slots: 30 }] }),
      {
        type: "pulumi-nodejs:dynamic:Resource",
        name: "admin-superuser-password",
        props: { fleetdbKind: "superuser-password" },
      },
      {
        type: "pulumi-nodejs:dynamic:Resource",
        name: "gateway_app-setting-lock_timeout",
        props: { fleetdbKind: "role-setting" },
      },
    ];
    expect((await runStackPolicy(connectionBudget, withDynamic)).violations[0]).toMatch(
      /^connections over budget: 101 of max_connections 100 \(1 over\)/,
    );
    const foreign = [
      ...prodLike({ unmanaged: [{ name: "others", slots: 30 }] }),
      { type: "pulumi-nodejs:dynamic:Resource", name: "theirs", props: {} },
    ];
    expect(await runStackPolicy(connectionBudget, foreign)).toEqual({ violations: [] });
  });

  test("no unmanaged output: none are counted", async () => {
    expect(
      await runStackPolicy(
        connectionBudget,
        prodLike({
          unmanaged: undefined,
          limits: { tracksolid_owner: 30, dashboard_app: 8, gateway_app: 15, cron_app: 33 },
        }),
      ),
    ).toEqual({ violations: [] });
  });

  test("an unknown limit at preview: the policy cannot run, as the server reports it", async () => {
    expect(await runStackPolicy(connectionBudget, prodLike({ limits: { gateway_app: UNKNOWN } }))).toEqual({
      violations: [],
      unknown: "string value at .connectionLimit can't be known during preview",
    });
  });
});
