// The audit after the cutover: plan, passwords and handover done, each service on its login; then drift made by hand.
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Client, type ClientConfig } from "pg";
import { parse } from "pg-connection-string";
import { applyStack, type AppliedStack } from "../support/appliedStack";
import { auditJson, hold, prodConfigWith, settle, summary } from "../support/auditRun";
import { runTool } from "../support/runTool";

let stack: AppliedStack;
let config: string;
let auditorUrl: string;
const services = new Map<string, Client>();

/** How a service connects: its DATABASE_URL pointed at the test server. */
function serviceLogin(service: string): ClientConfig {
  const url = parse(stack.urls[service]);
  return { ...stack.login(url.user!), database: url.database ?? undefined };
}

beforeAll(async () => {
  config = prodConfigWith("  fleetdb:audit:\n    auditor:\n      name: fleetdb_auditor\n      connectionLimit: 1\n");
  stack = await applyStack({ configFile: config }, {}, async (server) => {
    // The live tracksolid_db, with objects its services created while connected as postgres.
    await server.query("CREATE DATABASE tracksolid_db");
    await server.query(
      `CREATE SCHEMA tracksolid;
       CREATE TABLE tracksolid.legacy_positions (id bigserial PRIMARY KEY, note text);
       CREATE SEQUENCE tracksolid.ticket_numbers;
       CREATE VIEW tracksolid.v_positions AS SELECT id, note FROM tracksolid.legacy_positions;
       CREATE FUNCTION tracksolid.position_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM tracksolid.legacy_positions'`,
      "tracksolid_db",
    );
  });
  // The handover: each existing object to the schema's owner, one plain ALTER … OWNER at a time.
  await stack.server.query(
    `ALTER TABLE tracksolid.legacy_positions OWNER TO tracksolid_owner;
     ALTER SEQUENCE tracksolid.ticket_numbers OWNER TO tracksolid_owner;
     ALTER VIEW tracksolid.v_positions OWNER TO tracksolid_owner;
     ALTER FUNCTION tracksolid.position_count() OWNER TO tracksolid_owner`,
    "tracksolid_db",
  );
  // The auditor's password, set the way the services' are (npm run passwords, a SCRAM verifier).
  const url = String(stack.run.outputs.auditorUrl);
  const file = path.join(tmpdir(), `fleetdb-auditor-${process.pid}.json`);
  writeFileSync(file, JSON.stringify({ audit: url }));
  const passwords = await runTool("passwords", ["--from", file]);
  const set = await stack.server.psql(["-v", "ON_ERROR_STOP=1"], passwords.stdout);
  if (set.code !== 0) throw new Error(set.stderr);
  const parsed = parse(url);
  auditorUrl = `postgres://fleetdb_auditor:${encodeURIComponent(parsed.password!)}@127.0.0.1:${stack.server.port}/postgres`;

  for (const service of Object.keys(stack.urls)) services.set(service, await hold(serviceLogin(service), service));
  await settle(stack.server, services.size);
}, 240_000);

afterAll(async () => {
  for (const client of services.values()) await client.end();
  await stack?.server.stop();
});

const asSuperuser = () => ["--config-file", config, "--url", stack.server.url];
const asAuditor = () => ["--config-file", config, "--url", auditorUrl];

describe("after the cutover", () => {
  test("in sync: exit 0, nothing but information, and every service done", async () => {
    const { code, json, stderr } = await auditJson(asSuperuser());
    expect(json.findings.filter((item) => item.severity !== "info")).toEqual([]);
    expect(json.skipped).toEqual([]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/; pass\n$/);
    expect(json.cutover.map(({ service, login, state }) => [service, login, state])).toEqual([
      ["webhook_receiver", "tracksolid_owner", "done"],
      ["ingest_worker", "tracksolid_owner", "done"],
      ["worker", "tracksolid_owner", "done"],
      ["dashboard_api", "dashboard_app", "done"],
      ["gateway", "gateway_app", "done"],
      ["cron", "cron_app", "done"],
    ]);
    expect(json.sessions.lines.filter((line) => line.live).map(({ name, live }) => [name, live])).toEqual([
      ["tracksolid_owner", 3],
      ["dashboard_app", 1],
      ["gateway_app", 1],
      ["cron_app", 1],
    ]);
  });

  test("as the stack's auditor login (not a superuser): exit 0, and it says password storage was not checked", async () => {
    const { code, json } = await auditJson(asAuditor());
    expect(json.findings.filter((item) => item.severity !== "info")).toEqual([]);
    expect(json.skipped).toEqual([
      { check: "password-encryption", reason: "reading pg_authid needs a superuser; the audit ran as fleetdb_auditor" },
    ]);
    expect(code).toBe(0);
  });

  test("the text report says IN SYNC, with every cutover row done and live slots beside the budget", async () => {
    const result = await runTool("audit", asAuditor());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/│ gateway +│ gateway_app +│ done +│ gateway_app ×1 +│/);
    expect(result.stdout).toMatch(/│ tracksolid_owner +│ role +│ +30 │ +3 │ CONNECTION LIMIT +│/);
    expect(result.stdout).toContain("NOT CHECKED (1): these are not clean, they were not run");
    expect(result.stdout).toMatch(
      /\nIN SYNC: the live server matches the stack \(audited as fleetdb_auditor in postgres, tracksolid_db, fleet_platform\)\n$/,
    );
  });

  test("an undeclared login is a warning: exit 0, and 1 with --fail-on warning", async () => {
    await stack.server.query("CREATE ROLE report_bot LOGIN CONNECTION LIMIT 1");
    try {
      const lenient = await auditJson(asAuditor());
      expect([lenient.code, summary(lenient.json.findings, "warning")]).toEqual([
        0,
        ["undeclared-role role report_bot"],
      ]);
      const strict = await auditJson([...asAuditor(), "--fail-on", "warning"]);
      expect(strict.code).toBe(1);
    } finally {
      await stack.server.query("DROP ROLE report_bot");
    }
  });

  test("one service cut back to postgres: exactly that one shows, and the audit fails", async () => {
    await services.get("gateway")!.end();
    const back = await hold(stack.server.config("fleet_platform"), "gateway");
    try {
      await settle(stack.server, services.size);
      const { code, json } = await auditJson(asSuperuser());
      expect(code).toBe(1);
      expect(json.cutover.filter((row) => row.state !== "done")).toEqual([
        { service: "gateway", login: "gateway_app", state: "not yet", seenAs: { postgres: 1 } },
      ]);
      expect(summary(json.findings)).toEqual([
        "service-cutover service gateway",
        'superuser-session sessions as postgres (application_name "gateway", from 127.0.0.1)',
      ]);
    } finally {
      await back.end();
      services.set("gateway", await hold(serviceLogin("gateway"), "gateway"));
      await settle(stack.server, services.size);
    }
  });
});

describe("drift made by hand, each alone", () => {
  type Drift = [name: string, database: string, make: string, undo: string, expected: Record<string, string>[]];
  test.each<Drift>([
    [
      "a CONNECTION LIMIT changed",
      "postgres",
      "ALTER ROLE gateway_app CONNECTION LIMIT 20",
      "ALTER ROLE gateway_app CONNECTION LIMIT 15",
      [
        {
          kind: "role-drift",
          object: "role gateway_app",
          live: "CONNECTION LIMIT 20",
          declared: "CONNECTION LIMIT 15",
        },
      ],
    ],
    [
      "INSERT granted to dashboard_app",
      "tracksolid_db",
      "GRANT INSERT ON tracksolid.legacy_positions TO dashboard_app",
      "REVOKE INSERT ON tracksolid.legacy_positions FROM dashboard_app",
      [
        {
          kind: "privilege-drift",
          object: "table tracksolid.legacy_positions in tracksolid_db, grantee dashboard_app",
          live: "INSERT",
          declared: "none",
        },
      ],
    ],
    [
      "a role setting changed and one added IN DATABASE",
      "postgres",
      "ALTER ROLE dashboard_app SET statement_timeout = '45s'; ALTER ROLE dashboard_app IN DATABASE tracksolid_db SET lock_timeout = '1s'",
      "ALTER ROLE dashboard_app SET statement_timeout = 30000; ALTER ROLE dashboard_app IN DATABASE tracksolid_db RESET lock_timeout",
      [
        {
          kind: "setting-drift",
          object: "role dashboard_app",
          live: "statement_timeout = 45s",
          declared: "statement_timeout = 30s",
        },
        {
          kind: "setting-drift",
          object: "role dashboard_app in database tracksolid_db",
          live: "lock_timeout = 1s",
          declared: "lock_timeout not set",
        },
      ],
    ],
    [
      "a membership added",
      "postgres",
      "GRANT fp_rw TO dashboard_app",
      "REVOKE fp_rw FROM dashboard_app",
      [
        {
          kind: "role-drift",
          object: "role dashboard_app",
          live: "member of fp_rw",
          declared: "member of ts_read only",
        },
      ],
    ],
    [
      "CREATEDB given",
      "postgres",
      "ALTER ROLE cron_app CREATEDB",
      "ALTER ROLE cron_app NOCREATEDB",
      [
        { kind: "elevated-role", object: "role cron_app", live: "CREATEDB", declared: "NOCREATEDB" },
        { kind: "role-drift", object: "role cron_app", live: "CREATEDB", declared: "NOCREATEDB" },
      ],
    ],
  ])("%s", async (_name, database, make, undo, expected) => {
    await stack.server.query(make, database);
    try {
      const { code, json } = await auditJson(asAuditor());
      expect(code).toBe(1);
      expect(
        json.findings
          .filter((item) => item.severity === "error")
          .map(({ kind, object, live, declared }) => ({ kind, object, live, declared })),
      ).toEqual(expected);
    } finally {
      await stack.server.query(undo, database);
    }
  });
});

test("it runs on a server with default_transaction_read_only = on", async () => {
  await stack.server.query("ALTER SYSTEM SET default_transaction_read_only = on");
  await stack.server.query("SELECT pg_catalog.pg_reload_conf()");
  try {
    expect(await stack.server.query("SHOW default_transaction_read_only")).toEqual([
      { default_transaction_read_only: "on" },
    ]);
    const { code, json } = await auditJson(asAuditor());
    expect(json.findings.filter((item) => item.severity !== "info")).toEqual([]);
    expect(code).toBe(0);
  } finally {
    const admin = await stack.server.connect();
    await admin.query("SET default_transaction_read_only = off");
    await admin.query("ALTER SYSTEM RESET default_transaction_read_only");
    await admin.query("SELECT pg_catalog.pg_reload_conf()");
    await admin.end();
  }
});
