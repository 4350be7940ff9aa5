// The RoleSetting dynamic provider against PostgreSQL 16: create, update, delete and read, drift, and its serialized form.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Client } from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { RoleSetting, roleSettingProvider, type RoleSettingInputs } from "../../resources/roleSetting";
import type { AdminLogin } from "../../src/dynamic/adminLogin";
import { startServer, type TestServer } from "../support/embeddedServer";
import { ROOT } from "../support/runTool";

let server: TestServer;
let admin: AdminLogin;

beforeAll(async () => {
  server = await startServer();
  admin = {
    host: "127.0.0.1",
    port: server.port,
    database: "postgres",
    user: "postgres",
    password: server.superuser.password,
    sslmode: "disable",
    connectTimeoutSeconds: 5,
  };
  await server.query("CREATE DATABASE appdb");
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

// Each test starts from a role of its own with no settings: none depends on another having run.
let role = "";
let roleCount = 0;
beforeEach(async () => {
  role = `app_${++roleCount}`;
  await server.query(`CREATE ROLE ${role} LOGIN PASSWORD 'app-password'; GRANT CONNECT ON DATABASE appdb TO ${role}`);
});

const inputs = (change: Partial<RoleSettingInputs> = {}): RoleSettingInputs => ({
  fleetdbKind: "role-setting",
  role,
  setting: "lock_timeout",
  value: 5000,
  admin,
  ...change,
});

async function stored(): Promise<Record<string, string[]>> {
  const rows = await server.query<{ database: string; setconfig: string[] }>(
    `SELECT coalesce(d.datname, '*') AS database, s.setconfig FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole LEFT JOIN pg_database d ON d.oid = s.setdatabase WHERE r.rolname = '${role}' ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((row) => [row.database, row.setconfig]));
}

async function sessionReports(setting: string, database = "postgres"): Promise<string> {
  const client = new Client(server.config(database, role, "app-password"));
  await client.connect();
  const { rows } = await client.query("SELECT current_setting($1) AS value", [setting]);
  await client.end();
  return rows[0].value;
}

describe("the provider, called directly", () => {
  test("create sets the value; a fresh session reports it", async () => {
    const created = await roleSettingProvider.create(inputs());
    expect(created.id).toBe(`${role}/*/lock_timeout`);
    expect(await stored()).toEqual({ "*": ["lock_timeout=5000"] });
    expect(await sessionReports("lock_timeout")).toBe("5s");
  });

  test("an explicit 0 is a value ('off'), not a reset", async () => {
    await roleSettingProvider.create(inputs({ setting: "idle_session_timeout", value: 0 }));
    expect(await stored()).toEqual({ "*": ["idle_session_timeout=0"] });
    expect(await sessionReports("idle_session_timeout")).toBe("0");
  });

  test("update changes the value", async () => {
    await roleSettingProvider.create(inputs());
    await roleSettingProvider.update!(`${role}/*/lock_timeout`, inputs(), inputs({ value: 2500 }));
    expect(await sessionReports("lock_timeout")).toBe("2500ms");
  });

  test("read returns what the server has; a change by hand shows up as drift", async () => {
    await roleSettingProvider.create(inputs({ value: 2500 }));
    const id = `${role}/*/lock_timeout`;
    expect(await roleSettingProvider.read!(id, inputs({ value: 2500 }))).toEqual({
      id,
      props: inputs({ value: 2500 }),
    });
    await server.query(`ALTER ROLE ${role} SET lock_timeout = '7s'`);
    expect(await roleSettingProvider.read!(id, inputs({ value: 2500 }))).toEqual({
      id,
      props: inputs({ value: 7000 }),
    });
    const diff = await roleSettingProvider.diff!(id, inputs({ value: 7000 }), inputs({ value: 2500 }));
    expect(diff).toMatchObject({ changes: true, replaces: [] });
  });

  test("a RESET by hand: read reports the resource gone", async () => {
    await roleSettingProvider.create(inputs());
    await server.query(`ALTER ROLE ${role} RESET lock_timeout`);
    expect(await roleSettingProvider.read!(`${role}/*/lock_timeout`, inputs())).toEqual({});
  });

  test("IN DATABASE: only sessions in that database get it, and it overrides the role-level value there", async () => {
    await roleSettingProvider.create(inputs({ value: 1000 }));
    await roleSettingProvider.create(inputs({ database: "appdb", value: 3000 }));
    expect(await stored()).toEqual({ "*": ["lock_timeout=1000"], appdb: ["lock_timeout=3000"] });
    expect(await sessionReports("lock_timeout", "appdb")).toBe("3s");
    expect(await sessionReports("lock_timeout", "postgres")).toBe("1s");
  });

  test("a database dropped by hand takes its IN DATABASE setting with it: read reports it gone, not the role-level value", async () => {
    await roleSettingProvider.create(inputs({ value: 1000 }));
    await server.query(`CREATE DATABASE scratch_${roleCount}`);
    await roleSettingProvider.create(inputs({ database: `scratch_${roleCount}`, value: 4000 }));
    await server.query(`DROP DATABASE scratch_${roleCount}`);
    expect(
      await roleSettingProvider.read!(
        `${role}/scratch_${roleCount}/lock_timeout`,
        inputs({ database: `scratch_${roleCount}`, value: 4000 }),
      ),
    ).toEqual({});
  });

  test("delete RESETs the setting in its database only", async () => {
    await roleSettingProvider.create(inputs({ value: 1000 }));
    await roleSettingProvider.create(inputs({ database: "appdb", value: 3000 }));
    await roleSettingProvider.delete!(`${role}/appdb/lock_timeout`, inputs({ database: "appdb", value: 3000 }));
    expect(await stored()).toEqual({ "*": ["lock_timeout=1000"] });
  });

  test("diff: a new role, database or setting replaces (deleting first); a new admin credential is an update", async () => {
    expect(await roleSettingProvider.diff!("id", inputs(), inputs({ database: "appdb" }))).toEqual({
      changes: true,
      replaces: ["database"],
      deleteBeforeReplace: true,
    });
    expect(
      await roleSettingProvider.diff!("id", inputs(), inputs({ admin: { ...admin, password: "rotated" } })),
    ).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
    expect(await roleSettingProvider.diff!("id", inputs(), inputs())).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: true,
    });
  });

  test.each<[string, number | string, string]>([
    [
      "statement_timeout",
      1000,
      "setting statement_timeout is not one fleetdb manages (allowed: lock_timeout, idle_session_timeout)",
    ],
    [
      "lock_timeout",
      -1,
      "lock_timeout: expected milliseconds (an integer) or a string with a unit (us, ms, s, min, h, d), from 0 to 2147483647 ms",
    ],
    [
      "lock_timeout",
      2_147_483_648,
      "lock_timeout: expected milliseconds (an integer) or a string with a unit (us, ms, s, min, h, d), from 0 to 2147483647 ms",
    ],
  ])("check refuses %s = %s before anything is sent", async (setting, value, reason) => {
    expect(await roleSettingProvider.check!({}, inputs({ setting, value: value as number }))).toEqual({
      inputs: inputs({ setting, value: value as number }),
      failures: [{ property: "value", reason }],
    });
    await expect(roleSettingProvider.create(inputs({ setting, value: value as number }))).rejects.toThrow(reason);
  });
});

describe("the serialized provider (what the engine runs), in a plain node process", () => {
  test("create and read work from the code Pulumi serializes under this test runner", async () => {
    let serialized: string | undefined;
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          if (args.type === "pulumi-nodejs:dynamic:Resource") serialized = args.inputs.__provider as string;
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: (args) => args.inputs,
      },
      "fleetdb",
      "test",
      false,
    );
    new RoleSetting("app-setting-idle_session_timeout", {
      role: "app",
      setting: "idle_session_timeout",
      value: 45_000,
      admin,
    });
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    expect(serialized).toMatch(/^exports\.handler = /);

    const dir = mkdtempSync(path.join(tmpdir(), "fleetdb-dynamic-"));
    writeFileSync(path.join(dir, "provider.js"), serialized!);
    const script = `
      const { createRequire } = require("node:module");
      const projectRequire = createRequire(${JSON.stringify(path.join(ROOT, "package.json"))});
      const module_ = { exports: {} };
      new Function("exports", "require", "module", require("node:fs").readFileSync(${JSON.stringify(path.join(dir, "provider.js"))}, "utf8"))(module_.exports, projectRequire, module_);
      const provider = module_.exports.handler();
      const inputs = JSON.parse(process.argv[1]);
      provider.create(inputs).then(() => provider.read("id", inputs)).then((read) => console.log(JSON.stringify(read.props.value)));`;
    const output = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ["-e", script, JSON.stringify(inputs({ setting: "idle_session_timeout", value: 45_000 }))],
        (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout)),
      ),
    );
    expect(output.trim()).toBe("45000");
    expect(await sessionReports("idle_session_timeout")).toBe("45s");
  });
});
