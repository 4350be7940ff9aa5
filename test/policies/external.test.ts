// The policy pack over an external stack: a compliant prod-like fixture (the platform's non-superuser admin,
// verify-full, RDS's 5 reserved slots), then one changed field per case, each with its message.
import { describe, expect, test } from "vitest";
import { connectionBudget } from "../../policies/connection-budget";
import { externalProviderTls } from "../../policies/external-provider-tls";
import { noPublicDbPort } from "../../policies/no-public-db-port";
import { runResourcePolicy, runStackPolicy, UNKNOWN, type TestResource } from "./harness";

const PROVIDER = {
  type: "pulumi:providers:postgresql",
  name: "external-provider",
  urn: "urn:pulumi:external::fleetdb::fleetdb:server:ExternalServer$pulumi:providers:postgresql::external-provider",
};

interface Stack {
  providerProps: Record<string, unknown>;
  /** The program's connectionBudget output: only its maxConnections and platformReservedConnections are read. */
  budgetOutput: Record<string, unknown> | undefined;
  adminTools: number;
}

function externalLike(change: Partial<Stack> = {}): TestResource[] {
  const stack: Stack = {
    providerProps: {
      host: "db.c1a2b3.eu-west-1.rds.amazonaws.com",
      port: "5432",
      database: "postgres",
      username: "fleetdb_admin",
      sslmode: "verify-full",
      sslrootcert: "certs/rds-global-bundle.pem",
      superuser: "false",
      maxConnections: "2",
    },
    budgetOutput: { maxConnections: 100, platformReservedConnections: 5 },
    adminTools: 12,
    ...change,
  };
  const provider = { ...PROVIDER, props: stack.providerProps };
  const role = (name: string, limit: number): TestResource => ({
    type: "postgresql:index/role:Role",
    name: `${name}-role`,
    props: { name, login: true, connectionLimit: limit },
    provider,
  });
  const inDatabase = (type: string, name: string, database: string): TestResource => ({
    type,
    name,
    props: type.endsWith("database:Database") ? { name: database } : { database },
    provider,
  });
  return [
    {
      type: "pulumi:pulumi:Stack",
      name: "fleetdb-external",
      props: {
        unmanagedConnections: [
          { name: "reporting_refresher", slots: 4 },
          { name: "bi_reader", slots: 6 },
          { name: "backups", slots: 4 },
          { name: "admin_tools", slots: stack.adminTools },
        ],
        ...(stack.budgetOutput ? { connectionBudget: stack.budgetOutput } : {}),
      },
    },
    { ...PROVIDER, props: stack.providerProps },
    role("tracksolid_owner", 30),
    role("dashboard_app", 8),
    role("gateway_app", 15),
    role("cron_app", 5),
    role("fleetdb_auditor", 1),
    inDatabase("postgresql:index/database:Database", "tracksolid_db", "tracksolid_db"),
    inDatabase("postgresql:index/database:Database", "fleet_platform", "fleet_platform"),
    inDatabase("postgresql:index/grant:Grant", "template1-grant", "template1"),
    { type: "pulumi-nodejs:dynamic:Resource", name: "lock-timeout", props: { fleetdbKind: "role-setting" } },
  ];
}

const withProvider = (props: Record<string, unknown>) =>
  externalLike({ providerProps: { ...externalLike()[1].props, ...props } });

describe("external-provider-tls", () => {
  test("verify-full with the CA bundle passes", async () => {
    expect(await runStackPolicy(externalProviderTls, externalLike())).toEqual({ violations: [] });
  });

  test.each<[string, Record<string, unknown>, string[]]>([
    ["verify-ca with the CA bundle", { sslmode: "verify-ca" }, []],
    ["require on loopback (an SSH tunnel)", { host: "127.0.0.1", sslmode: "require", sslrootcert: undefined }, []],
    ["disable on localhost", { host: "localhost", sslmode: "disable", sslrootcert: undefined }, []],
    [
      "require to a remote host",
      { sslmode: "require" },
      [
        "postgresql provider external-provider connects to db.c1a2b3.eu-west-1.rds.amazonaws.com with sslmode require, which does not verify the server: use verify-full or verify-ca with sslrootcert",
      ],
    ],
    [
      "no sslmode (lib/pq's require)",
      { sslmode: undefined },
      [
        "postgresql provider external-provider connects to db.c1a2b3.eu-west-1.rds.amazonaws.com with sslmode unset (lib/pq's require), which does not verify the server: use verify-full or verify-ca with sslrootcert",
      ],
    ],
    [
      "verify-full without a CA bundle",
      { sslrootcert: undefined },
      [
        "postgresql provider external-provider verifies db.c1a2b3.eu-west-1.rds.amazonaws.com (verify-full) without sslrootcert: name the platform's CA bundle",
      ],
    ],
    [
      "no host (PGHOST at run time)",
      { host: undefined },
      [
        "postgresql provider external-provider (superuser: false) names no host: it would take PGHOST at run time; declare fleetdb:server.host",
      ],
    ],
  ])("%s", async (_case, change, violations) => {
    expect(await runStackPolicy(externalProviderTls, withProvider(change))).toEqual({ violations });
  });

  test("a host unknown at preview: the policy cannot run", async () => {
    expect(await runStackPolicy(externalProviderTls, withProvider({ host: UNKNOWN }))).toMatchObject({
      violations: [],
      unknown: expect.stringContaining(".host can't be known during preview"),
    });
  });

  test("a superuser provider (mode embedded) is not applicable", async () => {
    expect(await runStackPolicy(externalProviderTls, withProvider({ superuser: "true" }))).toEqual({
      violations: [],
      notApplicable: "no postgresql provider has superuser: false (every server is one the stack runs)",
    });
  });
});

describe("connection-budget on a server the stack does not run", () => {
  test("the declared 100 slots less the platform's 5 hold the prod budget exactly", async () => {
    expect(await runStackPolicy(connectionBudget, externalLike())).toEqual({ violations: [] });
  });

  test("one slot more for the admin tools is over: the platform's slots are counted", async () => {
    const outcome = await runStackPolicy(connectionBudget, externalLike({ adminTools: 13 }));
    expect(outcome.violations).toHaveLength(1);
    expect(outcome.violations[0]).toMatch(/^connections over budget: 101 of max_connections 100 \(1 over\)/);
    expect(outcome.violations[0]).toMatch(/│ platform reserved\s+│ reserved\s+│\s+5 │/);
  });

  test("a smaller declared server is what the sum is held to", async () => {
    const outcome = await runStackPolicy(
      connectionBudget,
      externalLike({ budgetOutput: { maxConnections: 90, platformReservedConnections: 5 } }),
    );
    expect(outcome.violations[0]).toMatch(/^connections over budget: 100 of max_connections 90 \(10 over\)/);
  });

  test("no declared server and no container: the ceiling stands in, with PostgreSQL's 3 reserved", async () => {
    const outcome = await runStackPolicy(connectionBudget, externalLike({ budgetOutput: undefined }), {
      maxConnectionsCeiling: 100,
    });
    expect(outcome).toEqual({ violations: [] });
  });
});

describe("no-public-db-port without a container", () => {
  test("the external provider is not a container: not applicable, and it says so", async () => {
    expect(await runResourcePolicy(noPublicDbPort, externalLike()[1])).toEqual({
      violations: [],
      notApplicable: "Policy only applies to resources of type 'docker:index/container:Container'",
    });
  });
});
