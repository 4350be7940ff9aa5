// The SQL plan for an admin that is not a superuser (provider superuser: false): the provider's non-superuser
// path (owners granted around the statements that need them), the attributes it checks instead of re-setting,
// and the database-level outcome checks. A superuser plan of the same resources has none of it.
import { describe, expect, test } from "vitest";
import type { PlanResource } from "../../src/sql/plan";
import { planFromResources } from "../../src/sql/planFromResources";
import { psqlScript } from "../../src/sql/psqlScript";

const resource = (type: string, name: string, inputs: Record<string, unknown>): PlanResource => ({
  urn: `urn:pulumi:test::fleetdb::${type}::${name}`,
  type,
  name,
  inputs,
  dependencies: [],
});

function resources(superuser: string): PlanResource[] {
  return [
    resource("pulumi:providers:postgresql", "external-provider", {
      database: "postgres",
      username: "admin",
      superuser,
    }),
    resource("postgresql:index/role:Role", "fleet_owner-role", { name: "fleet_owner", login: false }),
    resource("postgresql:index/schema:Schema", "auth", {
      name: "auth",
      database: "fleet_platform",
      owner: "fleet_owner",
    }),
    resource("postgresql:index/grant:Grant", "usage", {
      role: "fleet_owner",
      database: "fleet_platform",
      schema: "auth",
      objectType: "schema",
      privileges: ["USAGE"],
    }),
    resource("postgresql:index/defaultPrivileges:DefaultPrivileges", "future", {
      role: "fleet_owner",
      database: "fleet_platform",
      owner: "fleet_owner",
      schema: "auth",
      objectType: "table",
      privileges: ["SELECT"],
    }),
    resource("postgresql:index/grant:Grant", "public", {
      role: "public",
      database: "template1",
      objectType: "database",
      privileges: [],
    }),
  ];
}

const nonSuperuser = planFromResources(resources("false"));
const superuser = planFromResources(resources("true"));
const step = (name: string) => nonSuperuser.steps.find((candidate) => candidate.name === name)!;
const sql = (name: string) => step(name).statements.map((statement) => statement.sql);

describe("a non-superuser admin's plan", () => {
  test("an existing role's SUPERUSER, REPLICATION and BYPASSRLS are checked, the rest re-set", () => {
    const guard = sql("fleet_owner-role")[0];
    expect(guard).toContain(
      "IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'fleet_owner' AND (rolsuper OR rolreplication OR rolbypassrls)) THEN\n" +
        "      RAISE EXCEPTION 'role fleet_owner has SUPERUSER, REPLICATION, BYPASSRLS on, which only a superuser may change: the admin cannot make it least-privilege (docs/external-mode.md)';",
    );
    expect(guard).toContain(
      `ALTER ROLE "fleet_owner" WITH VALID UNTIL 'infinity' CONNECTION LIMIT -1 NOCREATEDB NOCREATEROLE INHERIT NOLOGIN;`,
    );
    // A new role is created with every attribute spelled out, as the provider does.
    expect(guard).toContain("NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOLOGIN NOBYPASSRLS NOREPLICATION;");
  });

  test.each([
    ["the schema", "auth", "WHERE r.oid IN (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = 'fleet_owner')"],
    [
      "a schema grant",
      "usage",
      "SELECT nspowner FROM pg_catalog.pg_namespace WHERE nspname = 'auth' UNION SELECT c.relowner",
    ],
    [
      "default privileges",
      "future",
      "WHERE r.oid IN (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = 'fleet_owner')",
    ],
  ])("%s runs with its owners granted to the admin, then revoked", (_what, name, owners) => {
    const statements = sql(name);
    expect(statements[0]).toContain(owners);
    expect(statements[0]).toContain(
      "EXECUTE format('GRANT %I TO CURRENT_USER WITH INHERIT TRUE, SET TRUE', owner.rolname);",
    );
    expect(statements.at(-1)).toContain("EXECUTE format('REVOKE %I FROM CURRENT_USER', owner);");
    expect(step(name).differences).toContain("non-superuser-admin");
  });

  test("the PUBLIC revoke on a database is checked: nothing revoked fails the step", () => {
    const [revoke, check] = sql("public");
    expect(revoke).toBe('REVOKE ALL PRIVILEGES ON DATABASE "template1" FROM "public"');
    expect(check).toContain(
      "IF pg_catalog.has_database_privilege('public', 'template1', 'CONNECT') OR pg_catalog.has_database_privilege('public', 'template1', 'TEMPORARY') OR pg_catalog.has_database_privilege('public', 'template1', 'CREATE') THEN",
    );
    expect(check).toContain(
      "RAISE EXCEPTION 'PUBLIC still has privileges on database %: REVOKE … FROM PUBLIC revoked nothing",
    );
    expect(step("public").differences).toEqual(["database-outcome"]);
  });

  test("the script says who runs it", () => {
    expect(psqlScript(nonSuperuser)).toContain(
      "-- Run: psql -X -v ON_ERROR_STOP=1 -f plan.sql (as the admin login the provider logs in as; it is not a superuser).",
    );
    expect(psqlScript(superuser)).toContain(
      "-- Run: psql -X -v ON_ERROR_STOP=1 -f plan.sql (as the superuser the provider logs in as).",
    );
  });
});

test("a superuser admin's plan of the same resources has none of it", () => {
  const text = psqlScript(superuser);
  expect(text).not.toMatch(/CURRENT_USER|has_database_privilege|rolsuper|fleetdb\.granted_owners/);
  expect(superuser.nonSuperuser).toBeUndefined();
  expect(superuser.steps.flatMap((step) => step.differences)).not.toContain("non-superuser-admin");
});
