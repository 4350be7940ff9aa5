// What the handover moves, leaves alone and keeps, in which transactions, and the script it prints.
import { describe, expect, test } from "vitest";
import { handover } from "../../src/config/sections/handover";
import { parseStackConfig } from "../../src/config/load";
import { problemsOf, prodWith } from "../support/stackConfig";
import { decide, defaultPrivilegeChanges, type DeclaredDatabase } from "../../src/handover/decide";
import { declaredDatabases, declaredReaders } from "../../src/handover/declared";
import type { CatalogObject, DatabaseCatalog, DefaultPrivilege, ObjectKind } from "../../src/handover/model";
import { handoverScript, type ScriptContext } from "../../src/handover/script";
import { DEFAULT_LOCK_POLICY } from "../../src/handover/statements";

const declared: DeclaredDatabase = {
  database: "tracksolid_db",
  owner: "tracksolid_owner",
  schemas: ["tracksolid", "reporting"],
};
const none = handover.parse({});

const object = (kind: ObjectKind, name: string, extra: Partial<CatalogObject> = {}): CatalogObject => ({
  kind,
  schema: "tracksolid",
  name,
  owner: "postgres",
  locks: 1,
  ...extra,
});

const catalog = (objects: CatalogObject[], extra: Partial<DatabaseCatalog> = {}): DatabaseCatalog => ({
  database: "tracksolid_db",
  currentDatabase: "tracksolid_db",
  superusers: ["postgres"],
  existingRoles: ["tracksolid_owner"],
  schemaOwners: { tracksolid: "tracksolid_owner", reporting: "tracksolid_owner" },
  objects,
  defaultPrivileges: [],
  jobs: [],
  maxLocksPerTransaction: 64,
  maxConnections: 100,
  maxPreparedTransactions: 0,
  ...extra,
});

const context: ScriptContext = { stack: "prod", policy: DEFAULT_LOCK_POLICY, superusers: ["postgres"] };
const names = (objects: CatalogObject[]) => objects.map((o) => `${o.kind} ${o.name}`);

describe("decide", () => {
  test("superusers' and fromRoles' objects move; other owners' stay listed; keep exceptions stay; the owner's are counted", () => {
    const decision = decide(
      catalog(
        [
          object("table", "devices"),
          object("view", "v_trips", { schema: "reporting", owner: "reporting_refresher" }),
          object("table", "legacy", { owner: "old_app" }),
          object("table", "Kept", { owner: "postgres" }),
          object("table", "mine", { owner: "tracksolid_owner" }),
          object("table", "by_admin", { owner: "admin" }),
        ],
        { superusers: ["admin", "postgres"] },
      ),
      declared,
      handover.parse({
        fromRoles: ["old_app"],
        keep: [
          { database: "tracksolid_db", schema: "tracksolid", name: "Kept", reason: "audited separately" },
          { database: "fleet_platform", schema: "tracksolid", name: "devices" },
        ],
      }),
    );
    expect(decision.fromRoles).toEqual(["admin", "postgres", "old_app"]);
    expect(names(decision.transactions.flatMap((t) => t.objects))).toEqual([
      "table devices",
      "table legacy",
      "table by_admin",
    ]);
    expect(names(decision.leftAlone)).toEqual(["view v_trips"]);
    expect(decision.kept.map(({ object, reason }) => `${object.name}: ${reason}`)).toEqual([
      "Kept: audited separately",
    ]);
    expect(decision.alreadyOwned).toBe(1);
  });

  test("a declared schema that is TimescaleDB's own is left out, not reported missing", () => {
    const decision = decide(
      catalog([]),
      { ...declared, schemas: ["tracksolid", "_timescaledb_internal", "gone"] },
      none,
    );
    expect(decision.timescaleSchemas).toEqual(["_timescaledb_internal"]);
    expect(decision.missingSchemas).toEqual(["gone"]);
  });

  test("the owner is never a role that moves, even when listed in fromRoles or a superuser", () => {
    const decision = decide(
      catalog([object("table", "t", { owner: "tracksolid_owner" })], { superusers: ["postgres", "tracksolid_owner"] }),
      declared,
      handover.parse({ fromRoles: ["tracksolid_owner"] }),
    );
    expect(decision.fromRoles).toEqual(["postgres"]);
    expect(decision.transactions).toEqual([]);
  });

  test("order: what views read moves first; hypertables and continuous aggregates alone; the rest batched by lock budget", () => {
    const decision = decide(
      catalog(
        [
          object("view", "v1"),
          object("hypertable", "position_history", { locks: 300 }),
          object("table", "a", { locks: 3 }),
          object("continuous aggregate", "daily", { locks: 9 }),
          object("table", "b", { locks: 3 }),
          object("function", "f", { arguments: "" }),
          object("table", "c", { locks: 3 }),
          object("schema", "tracksolid", { owner: "postgres" }),
        ],
        { maxLocksPerTransaction: 8 },
      ),
      declared,
      none,
    );
    expect(decision.transactions.map((t) => `${t.label}: ${names(t.objects).join(", ")} (${t.locks})`)).toEqual([
      "transaction 1 of 5: schema tracksolid, function f, table a, table b (8)",
      "transaction 2 of 5: table c (3)",
      "transaction 3 of 5: hypertable position_history (300)",
      "transaction 4 of 5: continuous aggregate daily (9)",
      "transaction 5 of 5: view v1 (1)",
    ]);
  });

  test("jobs: TimescaleDB's own, on a moving hypertable or cagg's materialization, custom, the owner's, others'", () => {
    const decision = decide(
      catalog(
        [
          object("hypertable", "position_history"),
          object("continuous aggregate", "weekly", {
            owner: "tracksolid_owner",
            materialization: { schema: "_timescaledb_internal", name: "_materialized_hypertable_5" },
          }),
          object("continuous aggregate", "daily", {
            materialization: { schema: "_timescaledb_internal", name: "_materialized_hypertable_3" },
          }),
        ],
        {
          jobs: [
            { id: 1, procSchema: "_timescaledb_functions", procName: "policy_telemetry", owner: "postgres" },
            {
              id: 1000,
              procSchema: "_timescaledb_functions",
              procName: "policy_compression",
              owner: "postgres",
              hypertable: "tracksolid.position_history",
            },
            {
              id: 1001,
              procSchema: "_timescaledb_functions",
              procName: "policy_refresh_continuous_aggregate",
              owner: "postgres",
              hypertable: "_timescaledb_internal._materialized_hypertable_3",
            },
            { id: 1002, procSchema: "ops", procName: "nightly", owner: "postgres" },
            { id: 1003, procSchema: "ops", procName: "mine", owner: "tracksolid_owner" },
            { id: 1004, procSchema: "ops", procName: "theirs", owner: "reporting_refresher" },
            {
              id: 1005,
              procSchema: "_timescaledb_functions",
              procName: "policy_refresh_continuous_aggregate",
              owner: "postgres",
              hypertable: "_timescaledb_internal._materialized_hypertable_5",
            },
          ],
        },
      ),
      declared,
      none,
    );
    expect(decision.jobs.map((report) => `${report.job.id} ${report.kind} ${report.object ?? "-"}`)).toEqual([
      "1 timescaledb -",
      "1000 follows-object tracksolid.position_history",
      "1001 follows-object tracksolid.daily",
      "1002 custom -",
      "1003 owned -",
      "1004 other -",
      // Its cagg was handed over by an earlier run; the job still has the old owner.
      "1005 follows-object tracksolid.weekly",
    ]);
  });
});

describe("defaultPrivilegeChanges", () => {
  const row = (extra: Partial<DefaultPrivilege>): DefaultPrivilege => ({
    role: "postgres",
    schema: "tracksolid",
    objectType: "TABLES",
    grantee: "bi_reader",
    privilege: "SELECT",
    grantable: false,
    ...extra,
  });
  const moving = new Set(["postgres"]);
  test.each([
    ["a grant the owner lacks is rendered", [row({})], ["GRANT tracksolid TABLES bi_reader SELECT"]],
    ["nothing when the owner's row has it", [row({}), row({ role: "tracksolid_owner" })], []],
    [
      "nothing when the owner has it in every schema",
      [row({}), row({ role: "tracksolid_owner", schema: undefined })],
      [],
    ],
    [
      "privileges of one grantee join",
      [row({}), row({ privilege: "UPDATE" })],
      ["GRANT tracksolid TABLES bi_reader SELECT,UPDATE"],
    ],
    [
      "grants to the old role itself or to the owner mean nothing",
      [row({ grantee: "postgres" }), row({ grantee: "tracksolid_owner" })],
      [],
    ],
    ["other roles' rows are not the handover's", [row({ role: "reporting_refresher" })], []],
    [
      "a global row without PUBLIC's EXECUTE revoked it: the owner's defaults revoke it too",
      [row({ schema: undefined, objectType: "FUNCTIONS", grantee: "postgres", privilege: "EXECUTE" })],
      ["REVOKE - FUNCTIONS - EXECUTE"],
    ],
    [
      "an emptied global row (everything revoked) counts as a revocation too",
      [row({ schema: undefined, objectType: "TYPES", grantee: undefined, privilege: "" })],
      ["REVOKE - TYPES - USAGE"],
    ],
  ])("%s", (_, rows, expected) => {
    expect(
      defaultPrivilegeChanges(rows, moving, "tracksolid_owner").map((c) =>
        `${c.action} ${c.schema ?? "-"} ${c.objectType} ${c.grantee ?? "-"} ${c.privileges.join(",")}`.replace(
          / - - /,
          " - ",
        ),
      ),
    ).toEqual(expected.map((line) => line.replace(/ - - /, " - ")));
  });
});

describe("handoverScript", () => {
  test("a second run, with nothing to move, prints one line", () => {
    const decision = decide(catalog([object("table", "t", { owner: "tracksolid_owner" })]), declared, none);
    expect(handoverScript([decision], context)).toBe(
      "-- Nothing to move (tracksolid_db → tracksolid_owner): every object in the declared schemas is owned by its declared owner or left alone, and the default privileges are in place.\n",
    );
  });

  test("the header says what changes per object; comments stay on one line whatever a name holds", () => {
    const decision = decide(
      catalog([
        object("hypertable", "position_history", { chunks: 31, compressedChunks: 12, locks: 180 }),
        object("view", "v_speed", { schema: "reporting" }),
        object("view", "v_invoker", { schema: "reporting", securityInvoker: true }),
        object("function", "refresh", { arguments: "", securityDefiner: true }),
        object("table", "alerts", { rowSecurity: "on", ownedSequences: ["alerts_id_seq"] }),
        object("table", "audits", { rowSecurity: "forced" }),
        object("table", "line\nbreak"),
        object("view", "v_trips", { schema: "reporting", owner: "reporting_refresher" }),
      ]),
      declared,
      none,
    );
    const lines = handoverScript([decision], context).split("\n");
    expect(lines.filter((line) => line.startsWith("--   ") && !line.includes("psql -X"))).toEqual([
      "--   function tracksolid.refresh() (from postgres): SECURITY DEFINER: runs as tracksolid_owner from now on, no longer as postgres (a superuser)",
      "--   table tracksolid.alerts (from postgres): its sequence(s) tracksolid.alerts_id_seq follow; row-level security: the owner bypasses the policies, so tracksolid_owner (and every service logged in as it) does from now on; postgres still does as a superuser",
      "--   table tracksolid.audits (from postgres): FORCE ROW LEVEL SECURITY: the policies bind the owner tracksolid_owner too",
      '--   table tracksolid."line\\x0abreak" (from postgres)',
      "--   hypertable tracksolid.position_history (from postgres): 31 chunks, 12 compressed chunks follow (about 180 locks)",
      "--   view reporting.v_speed (from postgres): runs with its owner's privileges: it reads what tracksolid_owner may read, no longer what postgres (a superuser) may",
      "--   view reporting.v_invoker (from postgres)",
      "--   view reporting.v_trips: owned by reporting_refresher",
    ]);
    expect(lines.filter((line) => line.startsWith("\\"))).toEqual([
      "\\set 'ON_ERROR_STOP' 'on'",
      "\\connect '\"tracksolid_db\"'",
    ]);
    expect(lines.filter((line) => /^(BEGIN|COMMIT);$/.test(line))).toEqual([
      "BEGIN;",
      "COMMIT;",
      "BEGIN;",
      "COMMIT;",
      "BEGIN;",
      "COMMIT;",
    ]);
  });
});

describe("the lock policy in the header", () => {
  test.each([
    [
      { lockTimeout: "2s", retries: 4, backoffSeconds: 1 },
      "-- Each transaction waits at most 2s for a lock, then rolls that attempt back (its locks released) and retries up to 4 time(s) with backoff (1, 2, 4, 8 s). After the last retry psql stops: that transaction changes nothing, the ones before it stay committed, and a re-run of handover prints what is left.",
    ],
    [
      { lockTimeout: "500ms", retries: 0, backoffSeconds: 1 },
      "-- Each transaction waits at most 500ms for a lock, then rolls that attempt back (its locks released) and does not retry; then psql stops: that transaction changes nothing, the ones before it stay committed, and a re-run of handover prints what is left.",
    ],
  ])("%o", (policy, line) => {
    const decision = decide(catalog([object("table", "t")]), declared, none);
    expect(handoverScript([decision], { ...context, policy }).split("\n")).toContain(line);
  });
});

describe("the lock table in the header", () => {
  const lockTable = { maxLocksPerTransaction: 64, maxConnections: 100, maxPreparedTransactions: 0 };
  test.each([
    [200, true],
    [64, false],
  ])("a hypertable taking about %i locks: warned %s", (locks, warned) => {
    const decision = decide(catalog([object("hypertable", "position_history", { locks })]), declared, none);
    const lines = handoverScript([decision], { ...context, lockTable }).split("\n");
    expect(lines).toContain(
      `-- Lock table: max_locks_per_transaction 64 × (max_connections 100 + max_prepared_transactions 0) = 6400 slots shared by every session; the largest transaction here takes about ${locks}.`,
    );
    expect(
      lines.includes(
        '--   It takes more than max_locks_per_transaction: it fits only while the shared table has room ("out of shared memory" otherwise). Run it when the server is quiet, or raise max_locks_per_transaction (a restart).',
      ),
    ).toBe(warned);
  });
});

describe("declared databases and readers, from the registered resources", () => {
  const schema = (database: string, name: string, owner: string) => ({
    type: "postgresql:index/schema:Schema",
    inputs: { database, name, owner },
  });
  const resources = [
    schema("tracksolid_db", "tracksolid", "tracksolid_owner"),
    schema("fleet_platform", "auth", "fleet_owner"),
    schema("tracksolid_db", "Reporting", "tracksolid_owner"),
    {
      type: "postgresql:index/grant:Grant",
      inputs: {
        database: "tracksolid_db",
        objectType: "database",
        role: "ts_read",
        privileges: ["CONNECT", "TEMPORARY"],
      },
    },
    {
      type: "postgresql:index/grant:Grant",
      inputs: { database: "tracksolid_db", objectType: "database", role: "tracksolid_owner", privileges: ["CONNECT"] },
    },
    {
      type: "postgresql:index/grant:Grant",
      inputs: { database: "tracksolid_db", objectType: "database", role: "public", privileges: [] },
    },
    {
      type: "postgresql:index/grant:Grant",
      inputs: { database: "tracksolid_db", objectType: "database", role: "bi_reader", privileges: ["CONNECT"] },
    },
    {
      type: "postgresql:index/grant:Grant",
      inputs: { database: "fleet_platform", objectType: "database", role: "fp_rw", privileges: ["CONNECT"] },
    },
    { type: "postgresql:index/role:Role", inputs: { name: "dashboard_app", roles: ["ts_read"] } },
    { type: "postgresql:index/role:Role", inputs: { name: "gateway_app", roles: ["fp_rw"] } },
  ];
  test("databases in declaration order with their owner and schemas", () => {
    expect(declaredDatabases(resources)).toEqual([
      { database: "tracksolid_db", owner: "tracksolid_owner", schemas: ["tracksolid", "Reporting"] },
      { database: "fleet_platform", owner: "fleet_owner", schemas: ["auth"] },
    ]);
  });
  test("readers: roles granted CONNECT (not the owner, not PUBLIC) and the logins in those groups", () => {
    expect(declaredReaders(resources, declaredDatabases(resources)[0])).toEqual([
      "ts_read",
      "bi_reader",
      "dashboard_app",
    ]);
  });
  test("two owners for one database's schemas is refused", () => {
    expect(() => declaredDatabases([...resources, schema("tracksolid_db", "x", "someone")])).toThrow(
      "the schemas of tracksolid_db name two owners (tracksolid_owner, someone): one database, one owner",
    );
  });
});

describe("fleetdb:handover config", () => {
  test("is optional in the stack, and named by key path when wrong", () => {
    expect(parseStackConfig(prodWith(() => undefined)).handover).toBeUndefined();
    const handover = {
      fromRoles: ["old_app"],
      keep: [{ database: "tracksolid_db", schema: "reporting", name: "v_x" }],
    };
    expect(parseStackConfig(prodWith((v) => (v.handover = handover))).handover).toEqual(handover);
    expect(problemsOf(prodWith((v) => (v.handover = { from: ["x"] })))).toEqual(["fleetdb:handover.from: unknown key"]);
  });

  test.each([
    [{}, { fromRoles: [], keep: [] }],
    [{ fromRoles: ["old_app"] }, { fromRoles: ["old_app"], keep: [] }],
  ])("%o", (given, expected) => {
    expect(handover.parse(given)).toEqual(expected);
  });
  test("unknown keys and incomplete exceptions are refused", () => {
    const result = handover.safeParse({ from: ["x"], keep: [{ database: "tracksolid_db", name: "v" }] });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => `${issue.path.join(".")}: ${issue.code}`)).toEqual([
      "keep.0.schema: invalid_type",
      ": unrecognized_keys",
    ]);
  });
});
