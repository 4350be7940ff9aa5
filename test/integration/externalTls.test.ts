// Mode external on a real PostgreSQL 16 with TLS: a CA and a server certificate made here with openssl, an
// admin login with only CREATEROLE and CREATEDB (as a managed platform gives), the external stack's plan applied
// as that admin over verify-full twice, the prod privilege matrix, and the tools connecting with the CA bundle.
// A wrong CA bundle and a host name the certificate does not name are refused with the client's TLS error.
import { execFile, execFileSync } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parse, stringify } from "yaml";
import { roleSettingProvider, type RoleSettingInputs } from "../../resources/roleSetting";
import { superuserPasswordProvider, type SuperuserPasswordInputs } from "../../resources/superuserPassword";
import { connectAdmin } from "../../src/dynamic/adminLogin";
import { scramSha256Verifier } from "../../src/scram";
import { setPasswords, type LoggedInStack } from "../support/appliedStack";
import { catalogSnapshot } from "../support/catalogSnapshot";
import { startServer, type TestServer } from "../support/embeddedServer";
import { prodPrivilegeChecks, runMigrations } from "../support/prodChecks";
import { runTool } from "../support/runTool";

const ADMIN = { user: "fleetdb_admin", password: "external-admin-test-password" };
const dir = mkdtempSync(path.join(tmpdir(), "fleetdb-tls-"));
const file = (name: string) => path.join(dir, name);
let server: TestServer;
let stack: LoggedInStack;
let configFile: string;
let planFile: string;

/** A CA, a server certificate for IP 127.0.0.1 only, signed by it, and an unrelated CA. */
function certificates(): void {
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  for (const ca of ["ca", "other-ca"])
    openssl(
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "2",
      "-subj",
      `/CN=fleetdb test ${ca}`,
      "-keyout",
      `${ca}.key`,
      "-out",
      `${ca}.pem`,
    );
  openssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    "/CN=127.0.0.1",
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
  );
  writeFileSync(file("san.cnf"), "subjectAltName=IP:127.0.0.1\n");
  openssl(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    "san.cnf",
    "-out",
    "server.crt",
  );
  // The server runs as the postgres OS user when we are root, and refuses a key others can read.
  chmodSync(dir, 0o755);
  for (const name of ["ca.pem", "other-ca.pem", "server.crt"]) chmodSync(file(name), 0o644);
  chmodSync(file("server.key"), 0o600);
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(file("server.key"), uid, gid);
  }
}

/** The admin's URL for the tools, verifying against `ca` at `host`. */
function adminUrl(options: { host?: string; ca?: string; database?: string } = {}): string {
  const query = new URLSearchParams({ sslmode: "verify-full", sslrootcert: options.ca ?? file("ca.pem") });
  return `postgresql://${ADMIN.user}:${ADMIN.password}@${options.host ?? "127.0.0.1"}:${server.port}/${options.database ?? "postgres"}?${query}`;
}

/** How fleetdb's dynamic resources log in as the admin, verifying against the test CA (no password). */
function adminLogin() {
  return {
    host: "127.0.0.1",
    port: server.port,
    database: "postgres",
    user: ADMIN.user,
    sslmode: "verify-full",
    sslrootcert: file("ca.pem"),
    connectTimeoutSeconds: 5,
  };
}

/** Applies the plan with Debian's psql as the admin, over verify-full with the CA bundle. */
function applyAsAdmin(): Promise<{ code: number; stdout: string; stderr: string }> {
  const conninfo = `host=127.0.0.1 port=${server.port} dbname=postgres user=${ADMIN.user} sslmode=verify-full sslrootcert=${file("ca.pem")}`;
  return psql([conninfo, "-v", "ON_ERROR_STOP=1", "-f", planFile]);
}

function psql(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "psql",
      ["-X", ...args],
      { env: { ...process.env, PGPASSWORD: ADMIN.password }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

let firstApply: { code: number; stderr: string };

beforeAll(async () => {
  certificates();
  server = await startServer({
    ssl: "on",
    ssl_cert_file: file("server.crt"),
    ssl_key_file: file("server.key"),
    // 127.0.0.2 is loopback too, and not in the certificate: the host-name check has something to refuse.
    listen_addresses: "127.0.0.1,127.0.0.2",
  });
  // What a managed platform gives its admin: CREATEROLE and CREATEDB, no superuser; the right to grant
  // pg_monitor (RDS's rds_superuser, Azure's azure_pg_admin hold it) and the maintenance database.
  await server.query(
    `CREATE ROLE ${ADMIN.user} LOGIN CREATEROLE CREATEDB PASSWORD '${ADMIN.password}';` +
      `GRANT pg_monitor TO ${ADMIN.user} WITH ADMIN OPTION; ALTER DATABASE postgres OWNER TO ${ADMIN.user}`,
  );
  const fixture = parse(readFileSync("test/fixtures/external.yaml", "utf8")) as { config: Record<string, any> };
  Object.assign(fixture.config["fleetdb:server"], {
    host: "127.0.0.1",
    port: server.port,
    sslrootcert: file("ca.pem"),
  });
  fixture.config["fleetdb:admin"].username = ADMIN.user;
  fixture.config["fleetdb:services"].webhook_receiver.sslrootcert = file("ca.pem");
  configFile = file("external.yaml");
  writeFileSync(configFile, stringify(fixture));
  const plan = await runTool("plan", ["--config-file", configFile]);
  if (plan.code !== 0) throw new Error(`npm run plan failed (${plan.code}):\n${plan.stderr}`);
  planFile = file("plan.sql");
  writeFileSync(planFile, plan.stdout);
  // template1 is the platform's, owned by its superuser: the admin's REVOKE … FROM PUBLIC revokes nothing.
  firstApply = await applyAsAdmin();
  // The platform's owner locks template1 down, leaving the admin CONNECT (docs/external-mode.md); then it applies.
  await server.query(
    `REVOKE ALL ON DATABASE template1 FROM PUBLIC; GRANT CONNECT ON DATABASE template1 TO ${ADMIN.user}`,
  );
  const applied = await applyAsAdmin();
  if (applied.code !== 0) throw new Error(`psql -f plan.sql as the admin failed (${applied.code}):\n${applied.stderr}`);
  stack = await setPasswords(server, { configFile }, dir);
  await runMigrations(stack);
}, 240_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("the plan says what it runs as, and the admin is not a superuser", async () => {
  expect(readFileSync(planFile, "utf8")).toContain(
    "(as the admin login the provider logs in as; it is not a superuser)",
  );
  expect(
    await server.query(`SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = '${ADMIN.user}'`),
  ).toEqual([{ rolsuper: false, rolcreaterole: true, rolcreatedb: true }]);
});

test("on a database the admin does not own, 'no privileges could be revoked' fails the plan instead of warning", () => {
  expect(firstApply.code).toBe(3);
  expect(firstApply.stderr).toContain('WARNING:  no privileges could be revoked for "template1"');
  expect(firstApply.stderr).toContain(
    "ERROR:  PUBLIC still has privileges on database template1: REVOKE … FROM PUBLIC revoked nothing, because the admin fleetdb_admin does not own it (owner postgres); its owner must revoke them (docs/external-mode.md)",
  );
});

prodPrivilegeChecks(() => stack, { adopted: false, otherLogins: [ADMIN.user] });

describe("a second run as the admin", () => {
  test("succeeds and changes nothing; the admin holds no owner membership afterwards", async () => {
    const before = await catalogSnapshot(server);
    const second = await applyAsAdmin();
    expect(second.code, second.stderr).toBe(0);
    expect(await catalogSnapshot(server)).toEqual(before);
    // withRolesGranted's temporary grants are gone: only PostgreSQL 16's automatic ADMIN grant to the creator.
    const memberships = await server.query<{ role: string; admin: boolean; inherit: boolean; set: boolean }>(
      `SELECT roleid::regrole::text AS role, admin_option AS admin, inherit_option AS inherit, set_option AS set
         FROM pg_auth_members WHERE member = '${ADMIN.user}'::regrole AND roleid::regrole::text IN ('fleet_owner', 'tracksolid_owner')
        ORDER BY 1`,
    );
    expect(memberships).toEqual([
      { role: "fleet_owner", admin: true, inherit: false, set: false },
      { role: "tracksolid_owner", admin: true, inherit: false, set: false },
    ]);
  });
});

describe("the tools as the admin over verify-full", () => {
  test("plan --validate runs every statement rolled back and passes", async () => {
    const result = await runTool("plan", ["--config-file", configFile, "--validate", adminUrl()]);
    expect(result.code, result.stderr).toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain(
      "PASS: every validated statement would apply; nothing was committed",
    );
  });

  test("audit connects with the CA bundle: no error, the admin is the deployer, the platform's slots fit", async () => {
    const result = await runTool("audit", ["--config-file", configFile, "--url", adminUrl(), "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      findings: { severity: string; kind: string; object: string }[];
      skipped: { check: string; reason: string }[];
      sessions: { visible: boolean };
    };
    expect(report.findings.filter((finding) => finding.severity === "error")).toEqual([]);
    expect(report.findings.map((finding) => finding.object)).not.toContain(`role ${ADMIN.user}`);
    expect(report.skipped).toEqual([
      { check: "password-encryption", reason: `reading pg_authid needs a superuser; the audit ran as ${ADMIN.user}` },
    ]);
    expect(report.sessions.visible).toBe(true);
  });

  test("audit: fewer declared platform slots than PostgreSQL reserves is an error", async () => {
    const fewer = file("fewer-reserved.yaml");
    writeFileSync(
      fewer,
      readFileSync(configFile, "utf8").replace("platformReservedConnections: 5", "platformReservedConnections: 2"),
    );
    const result = await runTool("audit", ["--config-file", fewer, "--url", adminUrl(), "--json"]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { findings: Record<string, string>[] };
    expect(report.findings.filter((finding) => finding.severity === "error")).toMatchObject([
      {
        kind: "sessions",
        object: "server setting superuser_reserved_connections + reserved_connections",
        live: "3",
        declared: "at most 2 (platformReservedConnections)",
      },
    ]);
  });

  test("handover --validate connects with the CA bundle", async () => {
    const result = await runTool("handover", ["--config-file", configFile, "--url", adminUrl(), "--validate"]);
    expect(result.stderr).not.toMatch(/cannot connect/);
    expect(result.code, result.stderr).toBe(0);
  });

  test("fleetdb's dynamic resources (role settings) log in with the configured CA bundle", async () => {
    const login = adminLogin();
    const { client } = await connectAdmin(login, [ADMIN.password], { environmentFallback: false });
    expect((await client.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).rows).toEqual([
      { ssl: true },
    ]);
    await client.end();
    await expect(
      connectAdmin({ ...login, sslrootcert: file("other-ca.pem") }, [ADMIN.password], { environmentFallback: false }),
    ).rejects.toThrow("unable to verify the first certificate");
  });
});

describe("TLS refusals, with the client's own error", () => {
  test("a wrong CA bundle: the tool exits 3", async () => {
    const result = await runTool("plan", [
      "--config-file",
      configFile,
      "--validate",
      adminUrl({ ca: file("other-ca.pem") }),
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /^error: cannot connect to fleetdb_admin@127\.0\.0\.1:\d+\/postgres .*: unable to verify the first certificate \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)$/m,
    );
    expect(result.stderr).not.toContain(ADMIN.password);
  });

  test("a host name the certificate does not name: the tool exits 3", async () => {
    const result = await runTool("plan", ["--config-file", configFile, "--validate", adminUrl({ host: "127.0.0.2" })]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      "Hostname/IP does not match certificate's altnames: IP: 127.0.0.2 is not in the cert's list: 127.0.0.1",
    );
  });

  test("psql refuses both too", async () => {
    const base = `port=${server.port} dbname=postgres user=${ADMIN.user} sslmode=verify-full`;
    const wrongCa = await psql([`host=127.0.0.1 ${base} sslrootcert=${file("other-ca.pem")}`, "-c", "SELECT 1"]);
    expect(wrongCa.code).toBe(2);
    expect(wrongCa.stderr).toContain("certificate verify failed");
    const wrongHost = await psql([`host=127.0.0.2 ${base} sslrootcert=${file("ca.pem")}`, "-c", "SELECT 1"]);
    expect(wrongHost.code).toBe(2);
    expect(wrongHost.stderr).toContain('server certificate for "127.0.0.1" does not match host name "127.0.0.2"');
  });
});

describe("a RoleSetting resource as the admin, over verify-full", () => {
  test("sets lock_timeout on a role the admin created, reads it back, and resets it on delete", async () => {
    const inputs: RoleSettingInputs = {
      fleetdbKind: "role-setting",
      role: "gateway_app",
      database: "fleet_platform",
      setting: "lock_timeout",
      value: 4000,
      admin: { ...adminLogin(), password: ADMIN.password },
    };
    const read = () =>
      server.query(
        "SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole " +
          "JOIN pg_database d ON d.oid = s.setdatabase WHERE r.rolname = 'gateway_app' AND d.datname = 'fleet_platform'",
      );
    const created = await roleSettingProvider.create(inputs);
    expect(created.id).toBe("gateway_app/fleet_platform/lock_timeout");
    expect(await read()).toEqual([{ setconfig: ["lock_timeout=4000"] }]);
    expect((await roleSettingProvider.read!(created.id, inputs)).props).toMatchObject({ value: 4000 });
    await roleSettingProvider.delete!(created.id, inputs);
    expect(await read()).toEqual([]);
  });
});

// Last: it changes the admin's password. The same resource as the superuser's in mode embedded, told the keys.
describe("the admin login's own rotation (fleetdb:adminPasswordRotation)", () => {
  const login = adminLogin;
  const ADMIN_KEYS = { password: "adminPassword", rotation: "adminPasswordRotation" };
  const state = (password: string, salt: string): SuperuserPasswordInputs => ({
    fleetdbKind: "superuser-password",
    admin: login(),
    password,
    verifier: scramSha256Verifier(password, Buffer.from(salt.padEnd(16, "!")).toString("base64")),
    configKeys: ADMIN_KEYS,
  });
  const logsIn = async (password: string): Promise<string> => {
    try {
      const { client } = await connectAdmin(login(), [password], { environmentFallback: false });
      const { rows } = await client.query<{ rolsuper: boolean }>(
        "SELECT rolsuper FROM pg_roles WHERE rolname = current_user",
      );
      await client.end();
      return rows[0].rolsuper ? "in, as a superuser" : "in, not a superuser";
    } catch (error) {
      return (error as Error).message;
    }
  };
  const rotated = "r0tated/admin#pass";

  test("marker unset: the configured password is the stack's, and nothing changes", async () => {
    const created = await superuserPasswordProvider.create({
      ...state(ADMIN.password, "salt-0"),
      bootstrapPassword: ADMIN.password,
    });
    expect(created.outs).toEqual(state(ADMIN.password, "salt-0"));
    expect(await logsIn(ADMIN.password)).toBe("in, not a superuser");
  });

  test("a marker: the non-superuser admin sets its own new password over verify-full, proven before moving on", async () => {
    const updated = await superuserPasswordProvider.update!(
      `superuser/${ADMIN.user}`,
      state(ADMIN.password, "salt-0"),
      { ...state(rotated, "salt-1"), bootstrapPassword: ADMIN.password },
    );
    expect(updated.outs).toEqual(state(rotated, "salt-1"));
    expect(await logsIn(rotated)).toBe("in, not a superuser");
    expect(await logsIn(ADMIN.password)).toContain(`password authentication failed for user "${ADMIN.user}"`);
  });

  test("removing the marker afterwards is refused, naming the admin's keys: no going back to a dead password", async () => {
    await expect(
      superuserPasswordProvider.update!(`superuser/${ADMIN.user}`, state(rotated, "salt-1"), {
        ...state(ADMIN.password, "salt-0"),
        bootstrapPassword: ADMIN.password,
      }),
    ).rejects.toThrow(
      `refusing to set the admin login ${ADMIN.user} back to fleetdb:adminPassword, which the stack rotated away from: keep adminPasswordRotation set, or remove adminPassword (pulumi config rm adminPassword)`,
    );
    expect(await logsIn(rotated)).toBe("in, not a superuser");
  });
});
