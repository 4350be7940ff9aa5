// The SQL plan's pure renderers: the provider's statements, quoting through pg, guards, order and the psql script.
import { describe, expect, test } from "vitest";
import { doBlock } from "../../src/sql/guards";
import type { PlanResource, RenderContext } from "../../src/sql/plan";
import { planFromResources, UnplannableResource } from "../../src/sql/planFromResources";
import { psqlScript } from "../../src/sql/psqlScript";
import { roleStatements } from "../../src/sql/roleStatements";
import { grantStatements } from "../../src/sql/grantStatements";
import { defaultPrivilegesStatements } from "../../src/sql/defaultPrivilegesStatements";
import { databaseStatements, extensionStatements, schemaStatements } from "../../src/sql/databaseStatements";
import { escapeIdentifier } from "pg";
import { roleSettingStatement, settingFrom } from "../../src/sql/roleSettingStatements";

const context: RenderContext = {
  providerDatabase: "postgres",
  providerUsername: "postgres",
  plannedRoles: new Set(["gateway_app", "fp_rw"]),
};
const resource = (
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  dependencies: string[] = [],
): PlanResource => ({
  urn: `urn:pulumi:test::fleetdb::${type}::${name}`,
  type,
  name,
  inputs,
  dependencies,
});
const ROLE = "postgresql:index/role:Role";
const GRANT = "postgresql:index/grant:Grant";
const sqlOf = (rendered: { statements: { sql: string }[] }) => rendered.statements.map((statement) => statement.sql);

describe("roles", () => {
  test("a login role: every attribute spelled out, PASSWORD NULL, guarded; then memberships, search_path, timeouts", () => {
    const rendered = roleStatements(
      resource(ROLE, "gateway_app-role", {
        name: "gateway_app",
        login: true,
        connectionLimit: 15,
        password: "SCRAM-SHA-256$…",
        roles: ["fp_rw"],
        statementTimeout: 15000,
        idleInTransactionSessionTimeout: 0,
      }),
    );
    expect(rendered.differences).toEqual(["password", "role-guard", "memberships"]);
    expect(sqlOf(rendered)).toEqual([
      [
        "DO $fleetdb$",
        "BEGIN",
        "  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'gateway_app') THEN",
        "    CREATE ROLE \"gateway_app\" WITH PASSWORD NULL VALID UNTIL 'infinity' CONNECTION LIMIT 15 NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT LOGIN NOBYPASSRLS NOREPLICATION;",
        "  ELSE",
        "    ALTER ROLE \"gateway_app\" WITH VALID UNTIL 'infinity' CONNECTION LIMIT 15 NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT LOGIN NOBYPASSRLS NOREPLICATION;",
        "  END IF;",
        "END",
        "$fleetdb$",
      ].join("\n"),
      'GRANT "fp_rw" TO "gateway_app"',
      'ALTER ROLE "gateway_app" SET search_path TO DEFAULT',
      'ALTER ROLE "gateway_app" SET statement_timeout TO 15000',
    ]);
  });

  test("a group has no password clause, and defaults fill what is absent", () => {
    const [guard] = sqlOf(roleStatements(resource(ROLE, "g", { name: "g" })));
    expect(guard).toContain(
      "CREATE ROLE \"g\" WITH VALID UNTIL 'infinity' CONNECTION LIMIT -1 NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOLOGIN NOBYPASSRLS NOREPLICATION;",
    );
  });

  test.each<[string, string, string]>([
    ['we"ird', '"we""ird"', "'we\"ird'"],
    ["it's", `"it's"`, "'it''s'"],
    ["semi;colon --", '"semi;colon --"', "'semi;colon --'"],
    ["UPPER", '"UPPER"', "'UPPER'"],
    ["rôle ✓", '"rôle ✓"', "'rôle ✓'"],
    ["back\\slash", '"back\\slash"', " E'back\\\\slash'"],
  ])("the name %j is quoted by pg as an identifier (%s) and a literal (%s)", (name, identifier, literal) => {
    const [guard, searchPath] = sqlOf(roleStatements(resource(ROLE, "r", { name })));
    expect(guard).toContain(`rolname = ${literal}) THEN`);
    expect(guard).toContain(`CREATE ROLE ${identifier} WITH`);
    expect(searchPath).toBe(`ALTER ROLE ${identifier} SET search_path TO DEFAULT`);
  });
});

describe("grants", () => {
  test.each<[string, Record<string, unknown>, string[]]>([
    [
      "database",
      { database: "fleet_platform", role: "fp_rw", objectType: "database", privileges: ["CONNECT", "TEMPORARY"] },
      [
        'REVOKE ALL PRIVILEGES ON DATABASE "fleet_platform" FROM "fp_rw"',
        'GRANT CONNECT,TEMPORARY ON DATABASE "fleet_platform" TO "fp_rw"',
      ],
    ],
    [
      "schema",
      { database: "d", role: "fp_rw", schema: "auth", objectType: "schema", privileges: ["USAGE"] },
      ['REVOKE ALL PRIVILEGES ON SCHEMA "auth" FROM "fp_rw"', 'GRANT USAGE ON SCHEMA "auth" TO "fp_rw"'],
    ],
    [
      "all tables",
      { database: "d", role: "fp_rw", schema: "auth", objectType: "table", privileges: ["SELECT", "INSERT"] },
      [
        'REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA "auth" FROM "fp_rw"',
        'GRANT SELECT,INSERT ON ALL TABLES IN SCHEMA "auth" TO "fp_rw"',
      ],
    ],
    [
      "all sequences",
      { database: "d", role: "fp_rw", schema: "auth", objectType: "sequence", privileges: ["USAGE"] },
      [
        'REVOKE ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA "auth" FROM "fp_rw"',
        'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "auth" TO "fp_rw"',
      ],
    ],
    [
      "listed tables",
      {
        database: "d",
        role: "fp_rw",
        schema: "auth",
        objectType: "table",
        objects: ["a", 'b"c'],
        privileges: ["SELECT"],
      },
      [
        'REVOKE SELECT ON TABLE "auth"."a","auth"."b""c" FROM "fp_rw"',
        'GRANT SELECT ON TABLE "auth"."a","auth"."b""c" TO "fp_rw"',
      ],
    ],
    [
      "revoke only (PUBLIC)",
      { database: "template1", role: "public", objectType: "database", privileges: [] },
      ['REVOKE ALL PRIVILEGES ON DATABASE "template1" FROM "public"'],
    ],
    [
      "with grant option",
      {
        database: "d",
        role: "fp_rw",
        schema: "s",
        objectType: "function",
        privileges: ["EXECUTE"],
        withGrantOption: true,
      },
      [
        'REVOKE ALL PRIVILEGES ON ALL FUNCTIONS IN SCHEMA "s" FROM "fp_rw"',
        'GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA "s" TO "fp_rw" WITH GRANT OPTION',
      ],
    ],
  ])("%s: REVOKE first, then GRANT", (_case, inputs, expected) => {
    expect(sqlOf(grantStatements(resource(GRANT, "grant", inputs), context))).toEqual(expected);
  });

  test("a grantee the plan does not create is guarded with a NOTICE", () => {
    const rendered = grantStatements(
      resource(GRANT, "g", { database: "postgres", role: "backup", objectType: "database", privileges: ["CONNECT"] }),
      context,
    );
    expect(rendered.differences).toEqual(["missing-grantee"]);
    expect(sqlOf(rendered)).toEqual([
      [
        "DO $fleetdb$",
        "BEGIN",
        "  IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'backup') THEN",
        '    REVOKE ALL PRIVILEGES ON DATABASE "postgres" FROM "backup";',
        '    GRANT CONNECT ON DATABASE "postgres" TO "backup";',
        "  ELSE",
        "    RAISE NOTICE 'role backup does not exist on this server: its grant on DATABASE \"postgres\" is skipped';",
        "  END IF;",
        "END",
        "$fleetdb$",
      ].join("\n"),
    ]);
  });

  test("default privileges: REVOKE ALL then GRANT, for objects the owner creates", () => {
    const rendered = defaultPrivilegesStatements(
      resource("postgresql:index/defaultPrivileges:DefaultPrivileges", "d", {
        database: "d",
        owner: "fleet_owner",
        role: "fp_rw",
        schema: "auth",
        objectType: "sequence",
        privileges: ["USAGE", "SELECT"],
      }),
    );
    expect(sqlOf(rendered)).toEqual([
      'ALTER DEFAULT PRIVILEGES FOR ROLE "fleet_owner" IN SCHEMA "auth" REVOKE ALL ON SEQUENCES FROM "fp_rw"',
      'ALTER DEFAULT PRIVILEGES FOR ROLE "fleet_owner" IN SCHEMA "auth" GRANT USAGE,SELECT ON SEQUENCES TO "fp_rw"',
    ]);
    expect(
      sqlOf(
        defaultPrivilegesStatements(resource("x", "d", { owner: "o", role: "r", objectType: "table", privileges: [] })),
      ),
    ).toEqual(['ALTER DEFAULT PRIVILEGES FOR ROLE "o" REVOKE ALL ON TABLES FROM "r"']);
  });
});

describe("databases, schemas, extensions", () => {
  test("CREATE DATABASE: the provider's clauses, outside any transaction", () => {
    const [create] = databaseStatements(
      resource("postgresql:index/database:Database", "d", { name: "fleet_platform" }),
      context,
    ).statements;
    expect(create).toEqual({
      sql: `CREATE DATABASE "fleet_platform" OWNER "postgres" TEMPLATE template0 ENCODING 'UTF8' ALLOW_CONNECTIONS true CONNECTION LIMIT -1 IS_TEMPLATE false`,
      transactional: false,
      createsDatabase: "fleet_platform",
    });
  });

  test("a schema: created if missing, its owner set either way", () => {
    expect(
      sqlOf(
        schemaStatements(
          resource("postgresql:index/schema:Schema", "s", { name: "auth", database: "d", owner: "fleet_owner" }),
        ),
      ),
    ).toEqual([
      'CREATE SCHEMA IF NOT EXISTS "auth" AUTHORIZATION "fleet_owner"',
      'ALTER SCHEMA "auth" OWNER TO "fleet_owner"',
    ]);
  });

  test("an extension: the provider's statement, guarded for servers without it", () => {
    const [guard] = sqlOf(
      extensionStatements(
        resource("postgresql:index/extension:Extension", "e", {
          name: "timescaledb",
          database: "d",
          createCascade: true,
        }),
      ),
    );
    expect(guard).toContain(
      "IF EXISTS (SELECT FROM pg_catalog.pg_available_extensions WHERE name = 'timescaledb') THEN",
    );
    expect(guard).toContain('CREATE EXTENSION IF NOT EXISTS "timescaledb" CASCADE;');
    expect(guard).toContain("RAISE NOTICE 'extension timescaledb is not available on this server: skipped';");
  });
});

describe("role settings (fleetdb's RoleSetting resource)", () => {
  test.each<[Parameters<typeof roleSettingStatement>[1], string]>([
    [
      { role: "gateway_app", setting: "lock_timeout", value: 5000 },
      'ALTER ROLE "gateway_app" SET "lock_timeout" = 5000',
    ],
    [
      { role: "gateway_app", setting: "idle_session_timeout", value: 0 },
      'ALTER ROLE "gateway_app" SET "idle_session_timeout" = 0',
    ],
    [
      { role: "gateway_app", database: "fleet_platform", setting: "lock_timeout", value: 1000 },
      'ALTER ROLE "gateway_app" IN DATABASE "fleet_platform" SET "lock_timeout" = 1000',
    ],
    [
      { role: "gateway_app", database: "fleet_platform", setting: "lock_timeout" },
      'ALTER ROLE "gateway_app" IN DATABASE "fleet_platform" RESET "lock_timeout"',
    ],
    [
      { role: 'x"; DROP ROLE postgres; --', database: "d'b", setting: "lock_timeout", value: 1 },
      'ALTER ROLE "x""; DROP ROLE postgres; --" IN DATABASE "d\'b" SET "lock_timeout" = 1',
    ],
  ])("%j", (target, sql) => {
    expect(roleSettingStatement(escapeIdentifier, target)).toBe(sql);
  });

  test("a value that is not whole milliseconds never reaches SQL", () => {
    expect(() => roleSettingStatement(escapeIdentifier, { role: "r", setting: "lock_timeout", value: 1.5 })).toThrow(
      "role setting lock_timeout: expected a whole number of ms, got 1.5",
    );
    expect(() => roleSettingStatement(escapeIdentifier, { role: "r", setting: "lock_timeout", value: -1 })).toThrow(
      "expected a whole number of ms, got -1",
    );
  });

  test("settingFrom reads one entry of setconfig", () => {
    expect(settingFrom(["search_path=DEFAULT", "lock_timeout=5s"], "lock_timeout")).toBe("5s");
    expect(settingFrom(["lock_timeout_x=1"], "lock_timeout")).toBeUndefined();
    expect(settingFrom(null, "lock_timeout")).toBeUndefined();
  });

  test("the plan renders a RoleSetting like every other resource, after its role, in the provider's database", () => {
    const role = resource(ROLE, "r-role", { name: "r", login: true, connectionLimit: 1 });
    const setting = resource(
      "pulumi-nodejs:dynamic:Resource",
      "r-setting-lock_timeout",
      { fleetdbKind: "role-setting", role: "r", setting: "lock_timeout", value: 5000, admin: {} },
      [role.urn],
    );
    const plan = planFromResources([setting, role]);
    expect(plan.steps.map((step) => [step.name, step.kind, step.database])).toEqual([
      ["r-role", undefined, "postgres"],
      ["r-setting-lock_timeout", "role-setting", "postgres"],
    ]);
    expect(plan.steps[1]!.statements.map((statement) => statement.sql)).toEqual([
      'ALTER ROLE "r" SET "lock_timeout" = 5000',
    ]);
    expect(psqlScript(plan)).toContain(
      '-- pulumi-nodejs:dynamic:Resource (fleetdb role-setting) r-setting-lock_timeout\nBEGIN;\nALTER ROLE "r" SET "lock_timeout" = 5000;\nCOMMIT;',
    );
  });

  test("the superuser's password step shows in the plan with nothing to run", () => {
    const plan = planFromResources([
      resource("pulumi-nodejs:dynamic:Resource", "admin-superuser-password", { fleetdbKind: "superuser-password" }),
    ]);
    expect(psqlScript(plan)).toContain(
      "-- pulumi-nodejs:dynamic:Resource (fleetdb superuser-password) admin-superuser-password [superuser-password]\n-- (nothing to run here)",
    );
  });

  test("another team's dynamic resource is not ours to plan, so it is left out", () => {
    expect(planFromResources([resource("pulumi-nodejs:dynamic:Resource", "theirs", {})]).steps).toEqual([]);
  });
});

describe("guards", () => {
  test("the dollar-quote tag never occurs in the body", () => {
    expect(doBlock("SELECT '$fleetdb$'")).toMatch(/^DO \$fleetdb_1\$\n/);
    expect(doBlock("SELECT '$fleetdb$ $fleetdb_1$'")).toMatch(/^DO \$fleetdb_2\$\n/);
  });
});

describe("the plan", () => {
  const provider = {
    ...resource("pulumi:providers:postgresql", "admin-provider", { database: "postgres", username: "postgres" }),
  };

  test("dependencies decide the order; rank and declaration order break ties", () => {
    const member = resource(ROLE, "member-role", { name: "member", login: true, roles: ["group"] }, [
      "urn:pulumi:test::fleetdb::postgresql:index/role:Role::group-role",
    ]);
    const grant = resource(
      GRANT,
      "grant",
      { database: "d", role: "group", objectType: "database", privileges: ["CONNECT"] },
      ["urn:pulumi:test::fleetdb::postgresql:index/database:Database::d"],
    );
    const database = resource("postgresql:index/database:Database", "d", { name: "d" });
    const group = resource(ROLE, "group-role", { name: "group" });
    const plan = planFromResources([provider, grant, member, database, group]);
    expect(plan.steps.map((step) => `${step.name}@${step.database}`)).toEqual([
      "group-role@postgres",
      "member-role@postgres",
      "d@postgres",
      "grant@d",
    ]);
  });

  test("a postgresql resource the plan cannot render stops it", () => {
    expect(() => planFromResources([resource("postgresql:index/publication:Publication", "pub", {})])).toThrow(
      new UnplannableResource("the SQL plan cannot render postgresql:index/publication:Publication pub"),
    );
  });

  test("the psql script: \\connect where the database changes, a transaction per resource, CREATE DATABASE on its own", () => {
    const plan = planFromResources([
      provider,
      resource("postgresql:index/database:Database", "d", { name: "D b" }),
      resource(GRANT, "g", { database: "D b", role: "public", objectType: "database", privileges: [] }, [
        "urn:pulumi:test::fleetdb::postgresql:index/database:Database::d",
      ]),
    ]);
    const script = psqlScript(plan);
    expect(script).toContain("\\connect '\"postgres\"'\n");
    expect(script).toContain(
      `SELECT NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = 'D b') AS create_442062 \\gset\n\\if :create_442062\nCREATE DATABASE "D b"`,
    );
    expect(script).toContain(
      `\\connect '"D b"'\n-- postgresql:index/grant:Grant g\nBEGIN;\nREVOKE ALL PRIVILEGES ON DATABASE "D b" FROM "public";\nCOMMIT;\n`,
    );
    expect(script).not.toMatch(/BEGIN;\n-- CREATE DATABASE/);
  });

  test("a plan with nothing to do says so in one line", () => {
    expect(psqlScript(planFromResources([provider]))).toContain(
      "\n-- Nothing to do: the stack declares no postgresql resources.\n",
    );
  });
});
