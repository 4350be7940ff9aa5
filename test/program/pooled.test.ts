// The pooled fixture under mocks: the PgBouncer container, its rendered files, the pooler login and lookup, URLs.
import * as path from "node:path";
import { parse } from "pg-connection-string";
import { beforeAll, describe, expect, test } from "vitest";
import { POOLER_CAPS_LABEL } from "../../policies/core/pooler";
import { noPublicDbPort } from "../../policies/no-public-db-port";
import { poolerRoleCaps } from "../../policies/pooler-role-caps";
import { mockPassword, runProgram, type ProgramRun, type RegisteredResource } from "../../tools/lib/mockRuntime";
import { readStackFile } from "../../tools/lib/stackFile";
import { runResourcePolicy, runStackPolicy } from "../policies/harness";
import { byUrn, descendants, named, TYPES } from "../support/programRun";

const FIXTURE = path.join(__dirname, "..", "fixtures", "pooled.yaml");
let run: ProgramRun;
beforeAll(async () => {
  const file = readStackFile(FIXTURE);
  run = await runProgram({ config: file.config, secretKeys: file.secretKeys, stack: "pooled", preview: false });
});

const container = () => named(run, TYPES.container, "pgbouncer-container");
const upload = (file: string) =>
  (container().inputs.uploads as { file: string; content: string }[]).find((entry) => entry.file === file)!;

describe("the PgBouncer component", () => {
  test("fleetdb:pooler:PgBouncer owns a pinned image and one container", () => {
    const component = run.resources.find((resource) => resource.type === "fleetdb:pooler:PgBouncer")!;
    expect(component.name).toBe("pgbouncer");
    expect(descendants(run, component.urn).map((child) => [child.type, child.name])).toEqual([
      [TYPES.remoteImage, "pgbouncer-image"],
      [TYPES.container, "pgbouncer-container"],
    ]);
    expect(named(run, TYPES.remoteImage, "pgbouncer-image").inputs).toMatchObject({
      name: "edoburu/pgbouncer:v1.25.2-p0",
      keepLocally: true,
    });
  });

  test("the container: its own entrypoint and config, the server's network, loopback only, health and restart", () => {
    const inputs = container().inputs;
    expect(inputs).toMatchObject({
      name: "pgbouncer",
      entrypoints: ["/usr/bin/pgbouncer"],
      command: ["/etc/pgbouncer/pgbouncer.ini"],
      networksAdvanced: [{ name: "fleetdb", aliases: ["pgbouncer"] }],
      ports: [{ internal: 6432, external: 6432, ip: "127.0.0.1", protocol: "tcp" }],
      restart: "unless-stopped",
      healthcheck: {
        tests: ["CMD", "pg_isready", "-h", "127.0.0.1", "-p", "6432", "-d", "pgbouncer"],
        interval: "10s",
        timeout: "5s",
        retries: 3,
        startPeriod: "10s",
      },
    });
    expect(inputs.envs).toBeUndefined();
    expect((inputs.uploads as { file: string }[]).map((entry) => entry.file)).toEqual([
      "/etc/pgbouncer/pgbouncer.ini",
      "/etc/pgbouncer/userlist.txt",
    ]);
  });

  test("pgbouncer.ini: every value the stack renders", () => {
    const ini = upload("/etc/pgbouncer/pgbouncer.ini").content;
    for (const line of [
      "tracksolid_db.tracksolid_owner = host=timescale_db port=5432 dbname=tracksolid_db pool_size=28 max_db_connections=28",
      "tracksolid_db.dashboard_app = host=timescale_db port=5432 dbname=tracksolid_db pool_size=7 max_db_connections=7",
      "fleet_platform.gateway_app = host=timescale_db port=5432 dbname=fleet_platform pool_size=14 max_db_connections=14",
      "fleet_platform.cron_app = host=timescale_db port=5432 dbname=fleet_platform pool_size=4 max_db_connections=4",
      "fleetdb_pooler = max_user_connections=2",
      "listen_addr = 0.0.0.0",
      "listen_port = 6432",
      "auth_type = scram-sha-256",
      "auth_file = /etc/pgbouncer/userlist.txt",
      "auth_user = fleetdb_pooler",
      "auth_query = SELECT usename, passwd FROM fleetdb_pooler.user_lookup($1)",
      "pool_mode = session",
      "server_reset_query = DISCARD ALL",
      "server_login_retry = 3",
      "max_client_conn = 500",
      "query_wait_timeout = 60",
      "admin_users = fleetdb_pooler",
      "stats_users = fleetdb_pooler",
    ])
      expect(ini.split("\n")).toContain(line);
    expect(container().secretInputs).toContain("uploads");
  });

  test("userlist.txt holds the pooler's own login only; no app password is in any uploaded file", () => {
    expect(upload("/etc/pgbouncer/userlist.txt").content).toBe(
      `"fleetdb_pooler" "${mockPassword("pooler-password")}"\n`,
    );
    const files = (container().inputs.uploads as { content: string }[]).map((entry) => entry.content).join("\n");
    const appPasswords = Object.values(run.outputs.databaseUrls as Record<string, string>).map(
      (url) => parse(url).password!,
    );
    expect(appPasswords).toHaveLength(6);
    for (const password of appPasswords) expect(files).not.toContain(password);
  });

  test("the caps label carries what the ini renders, and the pack's policies pass over the stack", async () => {
    const labels = container().inputs.labels as { label: string; value: string }[];
    expect(labels.map((entry) => entry.label)).toEqual([POOLER_CAPS_LABEL]);
    expect(JSON.parse(labels[0].value)).toEqual([
      { login: "tracksolid_owner", maxConnections: 28, directSlots: 1, margin: 1 },
      { login: "dashboard_app", maxConnections: 7, directSlots: 0, margin: 1 },
      { login: "gateway_app", maxConnections: 14, directSlots: 0, margin: 1 },
      { login: "cron_app", maxConnections: 4, directSlots: 0, margin: 1 },
    ]);
    const asPolicy = (resource: RegisteredResource) => ({
      type: resource.type,
      name: resource.name,
      props: resource.inputs,
    });
    expect(await runStackPolicy(poolerRoleCaps, run.resources.map(asPolicy))).toEqual({ violations: [] });
    expect(await runResourcePolicy(noPublicDbPort, asPolicy(container()))).toEqual({ violations: [] });
  });
});

describe("the pooler's login and lookup", () => {
  test("a bounded login with nothing elevated, its password sent only as a SCRAM verifier", () => {
    const role = named(run, TYPES.role, "pooler-role");
    expect(role.inputs).toMatchObject({
      name: "fleetdb_pooler",
      login: true,
      superuser: false,
      createDatabase: false,
      createRole: false,
      replication: false,
      bypassRowLevelSecurity: false,
      connectionLimit: 3,
      statementTimeout: 5000,
      idleInTransactionSessionTimeout: 10000,
    });
    expect(role.inputs.password).toMatch(/^SCRAM-SHA-256\$4096:/);
    expect(role.secretInputs).toContain("password");
    expect(byUrn(run, role.parent)?.type).toBe("fleetdb:pooler:PoolerLogin");
  });

  test.each(["tracksolid_db", "fleet_platform"])("in %s: schema, SECURITY DEFINER lookup, grants", (database) => {
    expect(named(run, TYPES.schema, `pooler-${database}-schema`).inputs).toMatchObject({
      name: "fleetdb_pooler",
      database,
      owner: "postgres",
    });
    const lookup = named(run, TYPES.function, `pooler-${database}-lookup`).inputs;
    expect(lookup).toMatchObject({
      name: "user_lookup",
      schema: "fleetdb_pooler",
      database,
      securityDefiner: true,
      language: "sql",
      volatility: "STABLE",
      returns: "SETOF record",
    });
    expect(lookup.body).toContain(
      "ANY (ARRAY['tracksolid_owner', 'dashboard_app', 'gateway_app', 'cron_app']::pg_catalog.name[])",
    );
    const grants = Object.fromEntries(
      ["revoke-public", "execute", "usage", "connect"].map((suffix) => {
        const inputs = named(run, TYPES.grant, `pooler-${database}-${suffix}`).inputs;
        return [suffix, [inputs.role, inputs.objectType, inputs.privileges]];
      }),
    );
    expect(grants).toEqual({
      "revoke-public": ["public", "function", []],
      execute: ["fleetdb_pooler", "function", ["EXECUTE"]],
      usage: ["fleetdb_pooler", "schema", ["USAGE"]],
      connect: ["fleetdb_pooler", "database", ["CONNECT"]],
    });
  });
});

describe("outputs", () => {
  test("every pooled service's DATABASE_URL names the pooler and its login's pooler database", () => {
    const urls = run.outputs.databaseUrls as Record<string, string>;
    const where = Object.fromEntries(
      Object.entries(urls).map(([service, url]) => {
        const parts = parse(url);
        return [service, `${parts.user}@${parts.host}:${parts.port}/${parts.database}`];
      }),
    );
    expect(where).toEqual({
      webhook_receiver: "tracksolid_owner@pgbouncer:6432/tracksolid_db.tracksolid_owner",
      ingest_worker: "tracksolid_owner@pgbouncer:6432/tracksolid_db.tracksolid_owner",
      worker: "tracksolid_owner@pgbouncer:6432/tracksolid_db.tracksolid_owner",
      dashboard_api: "dashboard_app@pgbouncer:6432/tracksolid_db.dashboard_app",
      gateway: "gateway_app@pgbouncer:6432/fleet_platform.gateway_app",
      cron: "cron_app@pgbouncer:6432/fleet_platform.cron_app",
    });
  });

  test("poolerEndpoint, the console URL as a secret, and the admin endpoint still direct", () => {
    expect(run.outputs.poolerEndpoint).toEqual({
      host: "pgbouncer",
      port: 6432,
      published: { ip: "127.0.0.1", port: 6432 },
    });
    expect(run.secretOutputs).toEqual(["databaseUrls", "auditorUrl", "poolerConsoleUrl"]);
    const console = parse(String(run.outputs.poolerConsoleUrl));
    expect([console.user, console.host, console.port, console.database]).toEqual([
      "fleetdb_pooler",
      "pgbouncer",
      "6432",
      "pgbouncer",
    ]);
    // The admin path stays direct: the superuser never goes through the pooler.
    expect(run.outputs.adminEndpoint).toEqual({
      host: "$PGHOST",
      port: "$PGPORT",
      database: "postgres",
      username: "postgres",
      sslmode: "disable",
    });
  });

  test("the budget counts the pooler's login: 100 of 100", () => {
    const budget = run.outputs.connectionBudget as { total: number; lines: { name: string; slots: number }[] };
    expect(budget.total).toBe(100);
    expect(budget.lines.find((line) => line.name === "fleetdb_pooler")?.slots).toBe(3);
  });
});
