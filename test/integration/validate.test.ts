// npm run plan -- --validate: runs the plan inside transactions that are always rolled back.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { planFromResources } from "../../src/sql/planFromResources";
import { psqlScript } from "../../src/sql/psqlScript";
import { startServer, type TestServer } from "../support/embeddedServer";
import { catalogSnapshot } from "../support/catalogSnapshot";
import { runTool } from "../support/runTool";
import { validatePlan } from "../../tools/lib/validatePlan";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe("on a fresh server", () => {
  test("the prod plan would apply: the databases it creates are reported as not validated, and nothing is committed", async () => {
    const before = await catalogSnapshot(server);
    const result = await runTool("plan", ["--stack", "prod", "--validate", server.url, "--json"]);
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ wouldApply: true, validated: ["postgres", "template1"] });
    expect(report.notValidated).toEqual([
      { database: "tracksolid_db", reason: "does not exist yet (the plan creates it)" },
      { database: "fleet_platform", reason: "does not exist yet (the plan creates it)" },
    ]);
    expect(report.skipped.map((entry: { resource: string }) => entry.resource)).toEqual([
      "tracksolid_db-database",
      "fleet_platform-database",
    ]);
    expect(await catalogSnapshot(server)).toEqual(before);
  });

  test("an IN DATABASE setting for a database the plan creates is not validated rather than failed", async () => {
    const result = await runTool("plan", [
      "--config-file",
      "test/fixtures/short-timeouts.yaml",
      "--validate",
      server.url,
      "--json",
    ]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ wouldApply: true, validated: ["postgres", "template1"] });
    expect(report.notValidated).toEqual([{ database: "app_db", reason: "does not exist yet (the plan creates it)" }]);
  });
});

describe("on a server that has the databases", () => {
  test("every database validates, and nothing is committed", async () => {
    await server.query("CREATE DATABASE tracksolid_db");
    await server.query("CREATE DATABASE fleet_platform");
    const before = await catalogSnapshot(server);
    const result = await runTool("plan", ["--stack", "prod", "--validate", server.url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("validated (rolled back): tracksolid_db");
    expect(result.stdout).toContain("validated (rolled back): fleet_platform");
    expect(result.stdout).toContain("PASS: every validated statement would apply; nothing was committed");
    expect(await catalogSnapshot(server)).toEqual(before);
  });

  test("a plan that fails half-way reports the statement, the server's error and the resource, and leaves the catalog as it was", async () => {
    // Another session holds the postgres database's catalog row: the plan's first grant there (the auditor's
    // CONNECT, which revokes before it grants) must wait.
    const blocker = await server.connect();
    await blocker.query("BEGIN");
    await blocker.query("GRANT CONNECT ON DATABASE postgres TO PUBLIC");
    try {
      const before = await catalogSnapshot(server);
      const result = await runTool("plan", ["--stack", "prod", "--validate", server.url, "--json"]);
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout);
      expect(report.wouldApply).toBe(false);
      expect(report.failure).toMatchObject({
        database: "postgres",
        resource: "postgres-access-fleetdb_auditor",
        type: "postgresql:index/grant:Grant",
        statement: 'REVOKE ALL PRIVILEGES ON DATABASE "postgres" FROM "fleetdb_auditor"',
        error: { message: "canceling statement due to lock timeout", code: "55P03" },
      });
      // Eight roles were created in that transaction before it failed; none of them exists now.
      expect(await catalogSnapshot(server)).toEqual(before);
      expect(await server.query("SELECT rolname FROM pg_roles WHERE rolname IN ('ts_read', 'gateway_app')")).toEqual(
        [],
      );
    } finally {
      await blocker.query("ROLLBACK");
      await blocker.end();
    }
  });

  test("the text report names the failing resource and the server's error", async () => {
    const blocker = await server.connect();
    await blocker.query("BEGIN");
    await blocker.query("GRANT CONNECT ON DATABASE postgres TO PUBLIC");
    try {
      const result = await runTool("plan", ["--stack", "prod", "--validate", server.url]);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(
        "FAIL in database postgres, resource postgresql:index/grant:Grant postgres-access-fleetdb_auditor:",
      );
      expect(result.stdout).toContain("error: canceling statement due to lock timeout (SQLSTATE 55P03)");
    } finally {
      await blocker.query("ROLLBACK");
      await blocker.end();
    }
  });
});

test("a wrong password is 'could not log in' (exit 3), one line, the password not echoed", async () => {
  const url = `postgres://postgres:wrong-secretpw@127.0.0.1:${server.port}/postgres`;
  const result = await runTool("plan", ["--stack", "prod", "--validate", url]);
  expect(result.code).toBe(3);
  expect(result.stderr).toBe(
    `error: cannot connect to postgres@127.0.0.1:${server.port}/postgres (database postgres): password authentication failed for user "postgres" (28P01)\n`,
  );
});

test("a URL that is not one is bad input", async () => {
  const result = await runTool("plan", ["--stack", "prod", "--validate", "postgres://[::1"]);
  expect(result.code).toBe(2);
  expect(result.stderr).toBe("error: --validate: not a usable postgres URL (Invalid URL)\n");
});

test("hostile names survive the round trip through pg's quoting and psql", async () => {
  const names = { role: 'we"ird; DROP ROLE x; --', group: "Grüppe 'x' ✓", database: 'D"b; x', schema: "S'chema UPPER" };
  const urn = (type: string, name: string) => `urn:pulumi:test::fleetdb::${type}::${name}`;
  const resource = (type: string, name: string, inputs: Record<string, unknown>, dependencies: string[] = []) => ({
    urn: urn(type, name),
    type,
    name,
    inputs,
    dependencies,
  });
  const plan = planFromResources([
    resource("pulumi:providers:postgresql", "p", {}),
    resource("postgresql:index/role:Role", "group", { name: names.group }),
    resource(
      "postgresql:index/role:Role",
      "role",
      { name: names.role, login: true, connectionLimit: 2, roles: [names.group] },
      [urn("postgresql:index/role:Role", "group")],
    ),
    resource("postgresql:index/database:Database", "db", { name: names.database }),
    resource(
      "postgresql:index/schema:Schema",
      "schema",
      { name: names.schema, database: names.database, owner: names.role },
      [urn("postgresql:index/database:Database", "db"), urn("postgresql:index/role:Role", "role")],
    ),
    resource(
      "postgresql:index/grant:Grant",
      "connect",
      { database: names.database, role: names.group, objectType: "database", privileges: ["CONNECT"] },
      [urn("postgresql:index/database:Database", "db")],
    ),
    resource(
      "postgresql:index/grant:Grant",
      "tables",
      {
        database: names.database,
        role: names.group,
        schema: names.schema,
        objectType: "table",
        privileges: ["SELECT"],
      },
      [urn("postgresql:index/schema:Schema", "schema")],
    ),
    resource(
      "postgresql:index/defaultPrivileges:DefaultPrivileges",
      "later",
      {
        database: names.database,
        owner: names.role,
        role: names.group,
        schema: names.schema,
        objectType: "table",
        privileges: ["SELECT"],
      },
      [urn("postgresql:index/schema:Schema", "schema")],
    ),
  ]);
  const file = path.join(mkdtempSync(path.join(tmpdir(), "fleetdb-hostile-")), "plan.sql");
  writeFileSync(file, psqlScript(plan));
  for (const run of [1, 2]) {
    const applied = await server.psql(["-v", "ON_ERROR_STOP=1", "-f", file]);
    expect(applied.stderr, `run ${run}`).not.toMatch(/ERROR/);
    expect(applied.code, `run ${run}`).toBe(0);
  }
  expect(
    await server.query(
      "SELECT rolname, rolconnlimit FROM pg_roles WHERE rolname IN ('we\"ird; DROP ROLE x; --', 'Grüppe ''x'' ✓') ORDER BY 1",
    ),
  ).toEqual([
    { rolname: "Grüppe 'x' ✓", rolconnlimit: -1 },
    { rolname: names.role, rolconnlimit: 2 },
  ]);
  expect(
    await server.query(
      "SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = 'S''chema UPPER'",
      names.database,
    ),
  ).toEqual([{ owner: names.role }]);
  const [{ n }] = await server.query<{ n: string }>("SELECT count(*) AS n FROM pg_default_acl", names.database);
  expect(Number(n)).toBe(1);
});

test.each(["COMMIT", "END", "ROLLBACK", "BEGIN", "START TRANSACTION", "PREPARE TRANSACTION 'x'", "VACUUM"])(
  "--validate refuses to send %s, which would end or escape its transaction, and commits nothing",
  async (sql) => {
    const before = await catalogSnapshot(server);
    const step = {
      urn: "urn:s",
      type: "postgresql:index/role:Role",
      name: "s",
      database: "postgres",
      statements: [
        { sql: "CREATE ROLE validate_escape", transactional: true },
        { sql, transactional: true },
      ],
      differences: [],
    };
    const report = await validatePlan(
      { providerDatabase: "postgres", providerUsername: "postgres", steps: [step] },
      { connection: server.config(), display: "postgres@test" },
    );
    expect(report.failure?.statement).toBe(sql);
    expect(report.failure?.error.message).toBe(
      "refused: this statement would end or escape the validation transaction",
    );
    expect(await catalogSnapshot(server)).toEqual(before);
  },
);
