// The brief's prod privilege matrix, attributes and settings, as checks any server set up for prod must pass
// (the plan applied with psql, or the provider's own code through provider-check).
import { describe, expect, test } from "vitest";
import { Client } from "pg";
import type { LoggedInStack } from "./appliedStack";
import type { TestServer } from "./embeddedServer";

export const LOGIN_ROLES = ["tracksolid_owner", "dashboard_app", "gateway_app", "cron_app"] as const;
export type LoginRole = (typeof LOGIN_ROLES)[number];
export const FLEET_SCHEMAS = ["auth", "domain", "events", "geo", "ops", "serve", "slo", "state"];

/** The live tracksolid_db already exists, with objects created by services that connected as postgres. */
export async function seedLiveServer(server: TestServer): Promise<void> {
  await server.query("CREATE DATABASE tracksolid_db");
  await server.query(
    "CREATE SCHEMA tracksolid; CREATE TABLE tracksolid.legacy_positions (id bigserial PRIMARY KEY, note text); INSERT INTO tracksolid.legacy_positions (note) VALUES ('before')",
    "tracksolid_db",
  );
}

/** Migrations after setup: tracksolid_owner connects itself; fleet_platform's run as an admin SET ROLE fleet_owner. */
export async function runMigrations(stack: LoggedInStack): Promise<void> {
  const owner = new Client(stack.login("tracksolid_owner"));
  await owner.connect();
  for (const schema of ["tracksolid", "reporting"]) {
    await owner.query(
      `CREATE TABLE ${schema}.items (id serial PRIMARY KEY, note text); INSERT INTO ${schema}.items (note) VALUES ('seed')`,
    );
  }
  await owner.query("CREATE VIEW reporting.v_trips AS SELECT id, note FROM tracksolid.items");
  await owner.end();
  for (const schema of FLEET_SCHEMAS) {
    await stack.server.query(
      `SET ROLE fleet_owner; CREATE TABLE ${schema}.items (id serial PRIMARY KEY, note text); INSERT INTO ${schema}.items (note) VALUES ('seed'); RESET ROLE`,
      "fleet_platform",
    );
  }
}

/**
 * Defines the checks; `current()` gives the stack once the file's beforeAll has set it up and run the migrations.
 * `adopted`: the server was seeded with seedLiveServer before setup (the plan adopts what exists).
 */
export function prodPrivilegeChecks(
  current: () => LoggedInStack,
  options: {
    adopted: boolean;
    /** Logins the platform has besides the stack's (an external admin). */ otherLogins?: string[];
  },
): void {
  const stack = {
    login: (role: string, database?: string) => current().login(role, database),
    get server() {
      return current().server;
    },
  };

  /** Runs `sql` as `role` in a transaction that is rolled back; resolves to "ok" or the server's error message. */
  async function attempt(role: LoginRole, database: string, sql: string): Promise<string> {
    const client = new Client(stack.login(role, database));
    client.on("error", () => undefined);
    try {
      await client.connect();
    } catch (error) {
      return (error as Error).message;
    }
    try {
      await client.query("BEGIN");
      await client.query(sql);
      return "ok";
    } catch (error) {
      return (error as Error).message;
    } finally {
      await client.query("ROLLBACK").catch(() => undefined);
      await client.end();
    }
  }

  describe("connecting: each role reaches its own database only", () => {
    const matrix: [LoginRole, string, boolean][] = LOGIN_ROLES.flatMap((role) =>
      ["tracksolid_db", "fleet_platform", "postgres"].map((database): [LoginRole, string, boolean] => [
        role,
        database,
        (database === "tracksolid_db" && (role === "tracksolid_owner" || role === "dashboard_app")) ||
          (database === "fleet_platform" && (role === "gateway_app" || role === "cron_app")),
      ]),
    );
    test.each(matrix)("%s → %s: %s", async (role, database, allowed) => {
      expect(await attempt(role, database, "SELECT 1")).toBe(
        allowed ? "ok" : `permission denied for database "${database}"`,
      );
    });
  });

  type Operation = [name: string, sql: (schema: string) => string];
  const OPERATIONS: Operation[] = [
    ["SELECT", (s) => `SELECT count(*) FROM ${s}.items`],
    ["INSERT", (s) => `INSERT INTO ${s}.items (note) VALUES ('x')`],
    ["UPDATE", (s) => `UPDATE ${s}.items SET note = 'y' WHERE id = 1`],
    ["DELETE", (s) => `DELETE FROM ${s}.items WHERE id = 1`],
    ["TRUNCATE", (s) => `TRUNCATE ${s}.items`],
    ["CREATE TABLE", (s) => `CREATE TABLE ${s}.new_table (id int)`],
    ["ALTER a table", (s) => `ALTER TABLE ${s}.items ADD COLUMN extra int`],
    ["DROP a table", (s) => `DROP TABLE ${s}.items CASCADE`],
    ["nextval", (s) => `SELECT nextval('${s}.items_id_seq')`],
    ["read a sequence", (s) => `SELECT last_value FROM ${s}.items_id_seq`],
  ];

  /** The brief's matrix: what each role may do on a table its schema's owner created after the plan ran. */
  const ALLOWED: Record<LoginRole, string[]> = {
    // Owns the schemas and everything in them (it created these tables).
    tracksolid_owner: OPERATIONS.map(([name]) => name),
    dashboard_app: ["SELECT", "read a sequence"],
    gateway_app: ["SELECT", "INSERT", "UPDATE", "DELETE", "nextval", "read a sequence"],
    cron_app: ["SELECT", "INSERT", "UPDATE", "DELETE", "nextval", "read a sequence"],
  };

  function denial(operation: string, schema: string): string {
    switch (operation) {
      case "CREATE TABLE":
        return `permission denied for schema ${schema}`;
      case "ALTER a table":
      case "DROP a table":
        return "must be owner of table items";
      case "nextval":
      case "read a sequence":
        return "permission denied for sequence items_id_seq";
      default:
        return "permission denied for table items";
    }
  }

  describe("privileges on objects the owner creates after the plan (default privileges)", () => {
    const cases = [
      ...(["tracksolid_owner", "dashboard_app"] as const).flatMap((role) =>
        ["tracksolid", "reporting"].map((schema) => [role, "tracksolid_db", schema] as const),
      ),
      ...(["gateway_app", "cron_app"] as const).flatMap((role) =>
        FLEET_SCHEMAS.map((schema) => [role, "fleet_platform", schema] as const),
      ),
    ].flatMap(([role, database, schema]) =>
      OPERATIONS.map(([operation, sql]): [LoginRole, string, string, string, string] => [
        role,
        schema,
        operation,
        database,
        sql(schema),
      ]),
    );
    test.each(cases)("%s on %s: %s", async (role, schema, operation, database, sql) => {
      const expected = ALLOWED[role].includes(operation) ? "ok" : denial(operation, schema);
      expect(await attempt(role, database, sql)).toBe(expected);
    });

    test("dashboard_app reads a view the owner created later", async () => {
      expect(await attempt("dashboard_app", "tracksolid_db", "SELECT count(*) FROM reporting.v_trips")).toBe("ok");
    });

    test.each(LOGIN_ROLES)("%s cannot create in public, but may create temporary tables", async (role) => {
      const database = role === "gateway_app" || role === "cron_app" ? "fleet_platform" : "tracksolid_db";
      expect(await attempt(role, database, "CREATE TABLE public.sneaky (id int)")).toBe(
        "permission denied for schema public",
      );
      expect(await attempt(role, database, "CREATE TEMP TABLE scratch (id int)")).toBe("ok");
    });
  });

  describe.runIf(options.adopted)("objects that existed before the plan (adopted from the live server)", () => {
    test("dashboard_app reads them: GRANT … ON ALL TABLES covered what was there", async () => {
      expect(await attempt("dashboard_app", "tracksolid_db", "SELECT note FROM tracksolid.legacy_positions")).toBe(
        "ok",
      );
      expect(
        await attempt("dashboard_app", "tracksolid_db", "INSERT INTO tracksolid.legacy_positions (note) VALUES ('x')"),
      ).toBe("permission denied for table legacy_positions");
    });

    test("tracksolid_owner cannot alter a table it does not own (docs/handover.md: hand them over with npm run handover)", async () => {
      expect(
        await attempt("tracksolid_owner", "tracksolid_db", "ALTER TABLE tracksolid.legacy_positions ADD COLUMN x int"),
      ).toBe("must be owner of table legacy_positions");
      expect(await attempt("tracksolid_owner", "tracksolid_db", "SELECT * FROM tracksolid.legacy_positions")).toBe(
        "permission denied for table legacy_positions",
      );
    });

    test("but, as the schema's owner, it may drop any object in the schema (PostgreSQL's rule for schema owners)", async () => {
      expect(await attempt("tracksolid_owner", "tracksolid_db", "DROP TABLE tracksolid.legacy_positions")).toBe("ok");
    });

    test("the adopted schema now belongs to tracksolid_owner", async () => {
      const [schema] = await stack.server.query<{ owner: string }>(
        "SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = 'tracksolid'",
        "tracksolid_db",
      );
      expect(schema.owner).toBe("tracksolid_owner");
    });
  });
  describe("attributes and settings", () => {
    test("no role the stack manages has an elevated attribute", async () => {
      const rows = await stack.server.query(
        "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls FROM pg_roles WHERE rolname IN ('tracksolid_owner','dashboard_app','gateway_app','cron_app','ts_read','fp_rw','fleet_owner') ORDER BY 1",
      );
      expect(rows).toHaveLength(7);
      for (const row of rows)
        expect(row).toMatchObject({
          rolsuper: false,
          rolcreaterole: false,
          rolcreatedb: false,
          rolreplication: false,
          rolbypassrls: false,
        });
    });

    test("the login roles' limits are the prod budget's", async () => {
      const rows = await stack.server.query<{ rolname: string; rolconnlimit: number }>(
        "SELECT rolname, rolconnlimit FROM pg_roles WHERE rolcanlogin AND rolname <> 'postgres' ORDER BY rolname",
      );
      const managed = rows.filter((row) => !(options.otherLogins ?? []).includes(row.rolname));
      expect(Object.fromEntries(managed.map((row) => [row.rolname, row.rolconnlimit]))).toEqual({
        cron_app: 5,
        dashboard_app: 8,
        fleetdb_auditor: 1,
        gateway_app: 15,
        tracksolid_owner: 30,
      });
    });

    test.each<[LoginRole, string, string, string, string]>([
      ["tracksolid_owner", "0", "10min", "1min", "0"],
      ["dashboard_app", "30s", "1min", "5s", "0"],
      ["gateway_app", "15s", "1min", "5s", "0"],
      ["cron_app", "5min", "5min", "10s", "0"],
    ])(
      "a fresh session of %s: statement_timeout %s, idle_in_transaction_session_timeout %s, lock_timeout %s, idle_session_timeout %s",
      async (role, ...expected) => {
        const client = new Client(stack.login(role));
        await client.connect();
        const settings = [
          "statement_timeout",
          "idle_in_transaction_session_timeout",
          "lock_timeout",
          "idle_session_timeout",
        ];
        const { rows } = await client.query(
          "SELECT name, setting, unit, current_setting(name) AS shown FROM pg_settings WHERE name = ANY($1)",
          [settings],
        );
        await client.end();
        expect(settings.map((name) => rows.find((row) => row.name === name)!.shown)).toEqual(expected);
      },
    );

    test("all four settings are stored for the role, idle_session_timeout as an explicit 0", async () => {
      const rows = await stack.server.query<{ rolname: string; setconfig: string[] }>(
        "SELECT r.rolname, s.setconfig FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole WHERE s.setdatabase = 0 AND r.rolname = 'gateway_app'",
      );
      expect(rows[0].setconfig.sort()).toEqual([
        "idle_in_transaction_session_timeout=60000",
        "idle_session_timeout=0",
        "lock_timeout=5000",
        "statement_timeout=15000",
      ]);
    });
  });
}
