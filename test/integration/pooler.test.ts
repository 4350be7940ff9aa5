// The pooler for real: Debian's pgbouncer 1.18 with the config the stack renders, in front of PostgreSQL 16 with the plan.
import { Client, type ClientConfig } from "pg";
import { parse } from "pg-connection-string";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { renderPgbouncerIni, renderUserlist } from "../../src/pooler/pgbouncerConfig";
import { scramSha256Verifier } from "../../src/scram";
import { auditJson } from "../support/auditRun";
import { POOLED_FIXTURE, pooledPlan, startPooledStack, type PooledStack } from "../support/pooledStack";

// The fixture with a short query_wait_timeout, so a capped client's wait ends within the test.
const QUERY_WAIT_SECONDS = 2;
const fixturePlan = (change: (values: Record<string, any>) => void = () => undefined) =>
  pooledPlan((values) => {
    values.pooler.queryWaitTimeoutSeconds = QUERY_WAIT_SECONDS;
    change(values);
  });

let pooled: PooledStack | undefined;
const open: Client[] = [];

beforeAll(async () => {
  pooled = await startPooledStack(fixturePlan());
}, 240_000);

afterAll(async () => {
  await Promise.all(open.map((client) => client.end().catch(() => undefined)));
  await pooled?.stop();
});

const throughPooler = (service: string, password?: string) => pooled!.throughPooler(service, password);

async function connected(config: ClientConfig): Promise<Client> {
  const client = new Client(config);
  client.on("error", () => undefined);
  await client.connect();
  open.push(client);
  return client;
}

async function closed(client: Client): Promise<void> {
  open.splice(open.indexOf(client), 1);
  await client.end();
}

async function one<T>(client: Client, sql: string): Promise<T> {
  return (await client.query(sql)).rows[0] as T;
}

describe("pgbouncer 1.18 with the rendered pooled stack", () => {
  test("every pooled service's URL names the pooler, and logs in through it with its generated password", async () => {
    const poolerDatabases = Object.fromEntries(fixturePlan().serviceAliases);
    const seen: Record<string, unknown> = {};
    for (const service of Object.keys(pooled!.stack.urls)) {
      const url = parse(pooled!.stack.urls[service]);
      expect([url.host, url.port, url.database]).toEqual(["pgbouncer", "6432", poolerDatabases[service]]);
      const client = await connected(throughPooler(service));
      seen[service] = await one(
        client,
        "SELECT current_user AS login, current_database() AS database, current_setting('application_name') AS app",
      );
      await closed(client);
    }
    expect(seen).toEqual({
      webhook_receiver: { login: "tracksolid_owner", database: "tracksolid_db", app: "webhook_receiver" },
      ingest_worker: { login: "tracksolid_owner", database: "tracksolid_db", app: "ingest_worker" },
      worker: { login: "tracksolid_owner", database: "tracksolid_db", app: "worker" },
      dashboard_api: { login: "dashboard_app", database: "tracksolid_db", app: "dashboard_api" },
      gateway: { login: "gateway_app", database: "fleet_platform", app: "gateway" },
      cron: { login: "cron_app", database: "fleet_platform", app: "cron" },
    });
  });

  test("a wrong password is refused by the pooler itself", async () => {
    await expect(connected(throughPooler("gateway", "not-the-password"))).rejects.toThrow("SASL authentication failed");
  });

  test("the lookup answers the pooler's login for pooled logins only, and nobody else may call it", async () => {
    const asPooler = await connected({
      ...pooled!.stack.server.config("fleet_platform", "fleetdb_pooler", pooled!.poolerPassword),
    });
    const rows = (await asPooler.query("SELECT usename, passwd FROM fleetdb_pooler.user_lookup($1)", ["gateway_app"]))
      .rows as { usename: string; passwd: string }[];
    expect(rows.map((row) => [row.usename, row.passwd.slice(0, 19)])).toEqual([["gateway_app", "SCRAM-SHA-256$4096:"]]);
    expect((await asPooler.query("SELECT * FROM fleetdb_pooler.user_lookup('postgres')")).rows).toEqual([]);
    expect((await asPooler.query("SELECT * FROM fleetdb_pooler.user_lookup('fleetdb_auditor')")).rows).toEqual([]);
    await closed(asPooler);
    const app = await connected(pooled!.stack.login("gateway_app", "fleet_platform"));
    await expect(app.query("SELECT * FROM fleetdb_pooler.user_lookup('gateway_app')")).rejects.toThrow(
      "permission denied for schema fleetdb_pooler",
    );
    await closed(app);
  });

  test("a session advisory lock is held until its client disconnects, and is not handed to the next client", async () => {
    const holder = await connected(throughPooler("cron"));
    const holderBackend = (await one<{ pid: number }>(holder, "SELECT pg_backend_pid() AS pid")).pid;
    await holder.query("SELECT pg_advisory_lock(4242)");
    const other = await connected(throughPooler("cron"));
    expect(await one(other, "SELECT pg_try_advisory_lock(4242) AS got")).toEqual({ got: false });
    await closed(holder);
    const next = await connected(throughPooler("cron"));
    // The next client gets the same server connection, with the lock released by DISCARD ALL.
    expect(await one(next, "SELECT pg_backend_pid() AS pid")).toEqual({ pid: holderBackend });
    expect(
      await one(
        next,
        "SELECT count(*)::int AS held FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()",
      ),
    ).toEqual({ held: 0 });
    expect(await one(other, "SELECT pg_try_advisory_lock(4242) AS got")).toEqual({ got: true });
    await Promise.all([closed(other), closed(next)]);
  });

  test("one client's SET does not reach the next client of the same server connection", async () => {
    const first = await connected(throughPooler("gateway"));
    const backend = (await one<{ pid: number }>(first, "SELECT pg_backend_pid() AS pid")).pid;
    await first.query("SET statement_timeout = '1234ms'");
    await first.query("SET search_path = pg_catalog");
    await closed(first);
    const second = await connected(throughPooler("gateway"));
    expect(await one(second, "SELECT pg_backend_pid() AS pid")).toEqual({ pid: backend });
    // The role's own default (15s in the stack) is back, not the previous client's SET.
    expect(await one(second, "SHOW statement_timeout")).toEqual({ statement_timeout: "15s" });
    expect(await one(second, "SHOW search_path")).toEqual({ search_path: '"$user", public' });
    await closed(second);
  });

  test("a login's cap holds: the next client waits, then gets the pooler's query_wait_timeout", async () => {
    const plan = fixturePlan();
    const cap = plan.logins.find((login) => login.login === "dashboard_app")!.cap.maxConnections;
    expect(cap).toBe(7);
    // PgBouncer answers a login from its cache; a server connection is assigned at the first query, then kept.
    const held = await Promise.all(Array.from({ length: cap }, () => connected(throughPooler("dashboard_api"))));
    await Promise.all(held.map((client) => client.query("SELECT 1")));
    const waiting = connected(throughPooler("dashboard_api"))
      .then((client) => client.query("SELECT 1"))
      .then(
        () => undefined,
        (failure: Error) => failure,
      );
    // It waits in the pooler (the console's SHOW POOLS counts it), instead of being refused at once.
    const console = await connected(pooled!.console());
    // Its login waits for the password lookup, whose connection the cap also bounds: it queues on the lookup's pool.
    const pools = async () =>
      Object.fromEntries(
        ((await console.query("SHOW POOLS")).rows as Record<string, unknown>[])
          .filter((row) => row.database === "tracksolid_db.dashboard_app")
          .map((row) => [row.user, { active: Number(row.cl_active), waiting: Number(row.cl_waiting) }]),
      );
    let seen = await pools();
    for (let poll = 0; poll < 50 && !seen.fleetdb_pooler?.waiting; poll++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      seen = await pools();
    }
    expect(seen).toEqual({
      dashboard_app: { active: cap, waiting: 0 },
      fleetdb_pooler: { active: 0, waiting: 1 },
    });
    expect((await waiting)?.message).toBe("query_wait_timeout");
    await closed(console);
    const backends = await pooled!.stack.server.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = 'dashboard_app'",
    );
    expect(backends).toEqual([{ n: cap }]);
    // The slots the cap leaves (CONNECTION LIMIT 8 − 7) still admit a direct client.
    const direct = await connected(pooled!.stack.login("dashboard_app", "tracksolid_db"));
    expect(await one(direct, "SELECT current_user AS login")).toEqual({ login: "dashboard_app" });
    await Promise.all([...held, direct].map(closed));
  });

  test("a password rotation keeps open pooled sessions working; new ones log in with the new password only", async () => {
    const before = await connected(throughPooler("webhook_receiver"));
    const oldPassword = parse(pooled!.stack.urls.webhook_receiver).password!;
    const newPassword = "RotatedPassw0rdRotatedPassw0rd12";
    // What `pulumi up` does after a rotation: the server gets the new verifier; the pooler is not touched.
    await pooled!.stack.server.query(
      `ALTER ROLE tracksolid_owner PASSWORD '${scramSha256Verifier(newPassword, Buffer.alloc(16, 9).toString("base64"))}'`,
    );
    expect(await one(before, "SELECT 1 AS still")).toEqual({ still: 1 });
    const after = await connected(throughPooler("webhook_receiver", newPassword));
    expect(await one(after, "SELECT current_user AS login")).toEqual({ login: "tracksolid_owner" });
    await expect(connected(throughPooler("webhook_receiver", oldPassword))).rejects.toThrow(
      "SASL authentication failed",
    );
    expect(await one(before, "SELECT 2 AS still")).toEqual({ still: 2 });
    await Promise.all([closed(before), closed(after)]);
  });

  test("a rotation changes neither file the pooler was given", () => {
    const placement = { serverHost: "h", serverPort: 5432, listenAddr: "0.0.0.0", listenPort: 6432, authFile: "/u" };
    const rotated = fixturePlan((values) => (values.passwordRotation = "2027-01-01"));
    expect(renderPgbouncerIni(rotated, placement)).toBe(renderPgbouncerIni(fixturePlan(), placement));
    expect(renderUserlist(rotated, pooled!.poolerPassword)).toBe(renderUserlist(fixturePlan(), pooled!.poolerPassword));
  });
});

describe("npm run audit on the pooled stack", () => {
  test("the pooler's login, lookup schema and function are declared: nothing but the services' unseen cutover", async () => {
    const { code, json } = await auditJson(["--config-file", POOLED_FIXTURE, "--url", pooled!.stack.server.url]);
    expect(code).toBe(0);
    // No service has connected with its application_name in this test: only that is reported.
    expect([...new Set(json.findings.map((finding) => `${finding.kind}:${finding.severity}`))]).toEqual([
      "service-cutover:warning",
    ]);
  });
});
