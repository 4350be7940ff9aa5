// Rotation on PostgreSQL 16 as real logins: app roles in place, alternating logins, and the superuser, never in plaintext.
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { Client, escapeIdentifier, escapeLiteral, type ClientConfig } from "pg";
import { parse } from "pg-connection-string";
import { roleSettingProvider, type RoleSettingInputs } from "../../resources/roleSetting";
import { superuserPasswordProvider, type SuperuserPasswordInputs } from "../../resources/superuserPassword";
import { scramSha256Verifier } from "../../src/scram";
import { runProgram, type ProgramRun } from "../../tools/lib/mockRuntime";
import { readStackFile } from "../../tools/lib/stackFile";
import { applyStack, type AppliedStack } from "../support/appliedStack";

const FIXTURE = "test/fixtures/alternating.yaml";
let stack: AppliedStack;
const generations: Record<string, ProgramRun> = {};

/** The program with passwords that depend on their keepers, as random.RandomPassword's do (mocks key them by name only). */
async function runGeneration(marker: string): Promise<ProgramRun> {
  vi.resetModules();
  const file = readStackFile(FIXTURE);
  return runProgram({
    config: { ...file.config, "fleetdb:passwordRotation": marker },
    secretKeys: file.secretKeys,
    stack: "fixture",
    preview: false,
    computed: (type, name, inputs) =>
      type === "random:index/randomPassword:RandomPassword"
        ? { result: `p@ss/${name}#${(inputs.keepers as { rotation: string }).rotation}` }
        : undefined,
  });
}

/** What postgresql.Role sends when a login's password changes: ALTER ROLE … PASSWORD '<the verifier the program computed>'. */
function providerPasswordUpdate(run: ProgramRun, login: string): string {
  const role = run.resources.find(
    (resource) => resource.type === "postgresql:index/role:Role" && resource.inputs.name === login,
  )!;
  return `ALTER ROLE ${escapeIdentifier(login)} PASSWORD ${escapeLiteral(String(role.inputs.password))}`;
}

function urlLogin(run: ProgramRun, service: string): ClientConfig {
  const url = parse((run.outputs.databaseUrls as Record<string, string>)[service]);
  return {
    host: "127.0.0.1",
    port: stack.server.port,
    user: url.user,
    password: url.password,
    database: url.database ?? undefined,
  };
}

async function logsIn(config: ClientConfig): Promise<string> {
  const client = new Client(config);
  client.on("error", () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query("SELECT session_user AS login, current_user AS acting");
    await client.end();
    return `${rows[0].login} as ${rows[0].acting}`;
  } catch (error) {
    return (error as Error).message;
  }
}

beforeAll(async () => {
  stack = await applyStack({ configFile: FIXTURE }, { log_statement: "all" });
  generations.one = await runGeneration("1");
  generations.two = await runGeneration("2");
  // What the provider's creates would have sent: every login's verifier of generation 1.
  for (const login of ["app_owner_a", "app_owner_b", "reader_app"])
    await stack.server.query(providerPasswordUpdate(generations.one, login));
}, 240_000);

afterAll(async () => {
  // The superuser's password changed under the test server; stopping it needs none.
  await stack?.server.stop();
});

describe("an app role rotated in place", () => {
  test("the new password works and the old one is refused; a session opened before keeps working", async () => {
    const before = new Client(urlLogin(generations.one, "api"));
    await before.connect();
    await stack.server.query(providerPasswordUpdate(generations.two, "reader_app"));
    expect(await logsIn(urlLogin(generations.two, "api"))).toBe("reader_app as reader_app");
    expect(await logsIn(urlLogin(generations.one, "api"))).toBe('password authentication failed for user "reader_app"');
    expect((await before.query("SELECT 1 AS still")).rows[0].still).toBe(1);
    await before.end();
  });

  test("the server stored the SCRAM verifier it was sent, and no statement it saw held a plaintext password", async () => {
    const role = generations.two.resources.find(
      (resource) => resource.inputs.name === "reader_app" && resource.type === "postgresql:index/role:Role",
    )!;
    const [stored] = await stack.server.query<{ rolpassword: string }>(
      "SELECT rolpassword FROM pg_authid WHERE rolname = 'reader_app'",
    );
    expect(stored.rolpassword).toBe(role.inputs.password);
    const log = stack.server.log();
    expect(log).toContain('ALTER ROLE "reader_app" PASSWORD \'SCRAM-SHA-256$4096:');
    for (const run of [generations.one, generations.two]) {
      for (const url of Object.values(run.outputs.databaseUrls as Record<string, string>))
        expect(log).not.toContain(parse(url).password!);
    }
  });
});

describe("alternating logins", () => {
  test("generation 1 → 2 rotates the inactive login; at every step one credential works; the services move to it", async () => {
    expect(urlLogin(generations.one, "migrator").user).toBe("app_owner_b");
    expect(urlLogin(generations.two, "migrator").user).toBe("app_owner_a");
    const held = new Client(urlLogin(generations.one, "migrator"));
    await held.connect();
    // Before: the active login works.
    expect(await logsIn(urlLogin(generations.one, "migrator"))).toBe("app_owner_b as app_owner");
    // The rotation: only app_owner_a's verifier changes (its keeper moved from 0 to 2).
    await stack.server.query(providerPasswordUpdate(generations.two, "app_owner_a"));
    expect(providerPasswordUpdate(generations.two, "app_owner_b")).toBe(
      providerPasswordUpdate(generations.one, "app_owner_b"),
    );
    // During the switch both the old URL and the new one log in; after it, the old one still does until the next rotation.
    expect(await logsIn(urlLogin(generations.one, "migrator"))).toBe("app_owner_b as app_owner");
    expect(await logsIn(urlLogin(generations.two, "migrator"))).toBe("app_owner_a as app_owner");
    expect((await held.query("SELECT 1 AS still")).rows[0].still).toBe(1);
    await held.end();
  });

  test("objects created through either login are owned by the group", async () => {
    for (const [run, table] of [
      [generations.one, "made_by_b"],
      [generations.two, "made_by_a"],
    ] as const) {
      const client = new Client(urlLogin(run, "migrator"));
      await client.connect();
      await client.query(`CREATE TABLE app.${table} (id int)`);
      await client.end();
    }
    expect(
      await stack.server.query(
        "SELECT relname, pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relname LIKE 'made_by_%' ORDER BY 1",
        "app_db",
      ),
    ).toEqual([
      { relname: "made_by_a", owner: "app_owner" },
      { relname: "made_by_b", owner: "app_owner" },
    ]);
  });

  test("the owner group keeps LOGIN for TimescaleDB's jobs but has no password and no sessions", async () => {
    expect(
      await stack.server.query(
        "SELECT rolcanlogin, rolconnlimit, rolpassword IS NULL AS no_password FROM pg_authid WHERE rolname = 'app_owner'",
      ),
    ).toEqual([{ rolcanlogin: true, rolconnlimit: 0, no_password: true }]);
    expect(await logsIn({ ...urlLogin(generations.two, "migrator"), user: "app_owner" })).toBe(
      'password authentication failed for user "app_owner"',
    );
  });

  test("the budget total is unchanged: the limit is split between the logins", async () => {
    const rows = await stack.server.query<{ rolname: string; rolconnlimit: number }>(
      "SELECT rolname, rolconnlimit FROM pg_roles WHERE rolname LIKE 'app_owner%' ORDER BY 1",
    );
    expect(rows).toEqual([
      { rolname: "app_owner", rolconnlimit: 0 },
      { rolname: "app_owner_a", rolconnlimit: 3 },
      { rolname: "app_owner_b", rolconnlimit: 3 },
    ]);
    const total = (run: ProgramRun) => (run.outputs.connectionBudget as { total: number }).total;
    expect(total(generations.two)).toBe(total(generations.one));
  });
});

describe("the superuser", () => {
  const admin = () => ({
    host: "127.0.0.1",
    port: stack.server.port,
    database: "postgres",
    user: "postgres",
    sslmode: "disable",
    connectTimeoutSeconds: 5,
  });
  const superuserLogin = (password: string): ClientConfig => stack.server.config("postgres", "postgres", password);
  const state = (password: string, salt: string): SuperuserPasswordInputs => ({
    fleetdbKind: "superuser-password",
    admin: admin(),
    password,
    verifier: scramSha256Verifier(password, Buffer.from(salt.padEnd(16, "!")).toString("base64")),
  });
  const original = () => stack.server.superuser.password;
  const next = "n3w/superuser#pass";
  const third = "th1rd/superuser#pass";

  test("adopting the server (marker unset): the configured live password is the stack's, and nothing changes", async () => {
    const created = await superuserPasswordProvider.create({
      ...state(original(), "salt-0"),
      bootstrapPassword: original(),
    });
    expect(created.outs).toEqual(state(original(), "salt-0"));
    expect(await logsIn(superuserLogin(original()))).toBe("postgres as postgres");
  });

  test("one update rotates it with the credential that works now, and proves the new one before moving on", async () => {
    const updated = await superuserPasswordProvider.update!(
      "superuser/postgres",
      state(original(), "salt-0"),
      state(next, "salt-1"),
    );
    expect(updated.outs).toEqual(state(next, "salt-1"));
    expect(await logsIn(superuserLogin(next))).toBe("postgres as postgres");
    expect(await logsIn(superuserLogin(original()))).toBe('password authentication failed for user "postgres"');
    const admin = new Client(superuserLogin(next));
    await admin.connect();
    const { rows } = await admin.query("SELECT rolpassword FROM pg_authid WHERE rolname = 'postgres'");
    await admin.end();
    expect(rows[0].rolpassword).toBe(state(next, "salt-1").verifier);
  });

  test("the apply dies after the ALTER, before state is saved: the next update finds the old password refused and the new one in place", async () => {
    // Rotate to the third password, then lose the result: state still says `next`.
    await superuserPasswordProvider.update!("superuser/postgres", state(next, "salt-1"), state(third, "salt-2"));
    expect(await logsIn(superuserLogin(third))).toBe("postgres as postgres");
    // Admin access at this step: the password the new RandomPassword put in state logs in.
    const retried = await superuserPasswordProvider.update!(
      "superuser/postgres",
      state(next, "salt-1"),
      state(third, "salt-2"),
    );
    expect(retried.outs).toEqual(state(third, "salt-2"));
    expect(await logsIn(superuserLogin(third))).toBe("postgres as postgres");
  });

  test("refresh checks the password in state still logs in; a stale one is flagged for the next up", async () => {
    expect(await superuserPasswordProvider.read!("superuser/postgres", state(third, "salt-2"))).toEqual({
      id: "superuser/postgres",
      props: { ...state(third, "salt-2"), loginWorks: true },
    });
    const stale = await superuserPasswordProvider.read!("superuser/postgres", state(next, "salt-1"));
    expect(stale.props).toMatchObject({ loginWorks: false });
    expect(
      (await superuserPasswordProvider.diff!("superuser/postgres", stale.props, state(next, "salt-1"))).changes,
    ).toBe(true);
  });

  test("a role setting's read after the rotation: the credential in its state is stale, PGPASSWORD recovers it", async () => {
    const setting: RoleSettingInputs = {
      fleetdbKind: "role-setting",
      role: "reader_app",
      setting: "lock_timeout",
      value: 250,
      admin: { ...admin(), password: next },
    };
    await roleSettingProvider.create({ ...setting, admin: { ...setting.admin, password: third } });
    const previous = process.env.PGPASSWORD;
    delete process.env.PGPASSWORD;
    await expect(roleSettingProvider.read!("reader_app/*/lock_timeout", setting)).rejects.toThrow(
      "none of the 1 known passwords works",
    );
    process.env.PGPASSWORD = third;
    try {
      expect(await roleSettingProvider.read!("reader_app/*/lock_timeout", setting)).toEqual({
        id: "reader_app/*/lock_timeout",
        props: setting,
      });
    } finally {
      if (previous === undefined) delete process.env.PGPASSWORD;
      else process.env.PGPASSWORD = previous;
    }
    // The next `up` passes the new credential: the update stores it.
    expect(
      (await roleSettingProvider.diff!("id", setting, { ...setting, admin: { ...setting.admin, password: third } }))
        .changes,
    ).toBe(true);
  });

  test("no statement the server saw held a superuser password in plaintext", () => {
    const log = stack.server.log();
    expect(log).toContain('ALTER ROLE "postgres" PASSWORD \'SCRAM-SHA-256$4096:');
    for (const password of [original(), next, third]) expect(log).not.toContain(password);
  });
});
