// The handover's SQL: one ALTER … OWNER TO per kind, default privileges FOR ROLE <owner>, the retry block; hostile names.
import { describe, expect, test } from "vitest";
import type { DefaultPrivilegeChange } from "../../src/handover/decide";
import { displayName, type CatalogObject, type ObjectKind } from "../../src/handover/model";
import { alterOwner, defaultPrivilegeStatement, transactionStatements } from "../../src/handover/statements";

const object = (kind: ObjectKind, schema: string, name: string, extra: Partial<CatalogObject> = {}): CatalogObject => ({
  kind,
  schema,
  name,
  owner: "postgres",
  locks: 1,
  ...extra,
});

describe("alterOwner", () => {
  test.each([
    [object("schema", "tracksolid", "tracksolid"), `ALTER SCHEMA "tracksolid" OWNER TO "tracksolid_owner"`],
    [object("schema", 'Ré"port', 'Ré"port'), `ALTER SCHEMA "Ré""port" OWNER TO "tracksolid_owner"`],
    [object("table", "tracksolid", "devices"), `ALTER TABLE "tracksolid"."devices" OWNER TO "tracksolid_owner"`],
    [
      object("table", "tracksolid", 'Fahrten "Ü" Log'),
      `ALTER TABLE "tracksolid"."Fahrten ""Ü"" Log" OWNER TO "tracksolid_owner"`,
    ],
    [object("partitioned table", "t", "Events"), `ALTER TABLE "t"."Events" OWNER TO "tracksolid_owner"`],
    [object("partition", "t", "events_2026"), `ALTER TABLE "t"."events_2026" OWNER TO "tracksolid_owner"`],
    [
      object("hypertable", "tracksolid", "position_history"),
      `ALTER TABLE "tracksolid"."position_history" OWNER TO "tracksolid_owner"`,
    ],
    [
      object("continuous aggregate", "tracksolid", "v_mileage_daily_cagg"),
      `ALTER MATERIALIZED VIEW "tracksolid"."v_mileage_daily_cagg" OWNER TO "tracksolid_owner"`,
    ],
    [
      object("materialized view", "reporting", "m;x"),
      `ALTER MATERIALIZED VIEW "reporting"."m;x" OWNER TO "tracksolid_owner"`,
    ],
    [object("view", "reporting", "v'1"), `ALTER VIEW "reporting"."v'1" OWNER TO "tracksolid_owner"`],
    [object("foreign table", "s", "remote"), `ALTER FOREIGN TABLE "s"."remote" OWNER TO "tracksolid_owner"`],
    [
      object("sequence", "tracksolid", "ticket_numbers"),
      `ALTER SEQUENCE "tracksolid"."ticket_numbers" OWNER TO "tracksolid_owner"`,
    ],
    [
      object("function", "tracksolid", "device_count", { arguments: "" }),
      `ALTER FUNCTION "tracksolid"."device_count"() OWNER TO "tracksolid_owner"`,
    ],
    [
      object("function", "tracksolid", "Speed", { arguments: 'integer, "Weird ""T"""[]' }),
      `ALTER FUNCTION "tracksolid"."Speed"(integer, "Weird ""T"""[]) OWNER TO "tracksolid_owner"`,
    ],
    [
      object("procedure", "ops", "rebuild", { arguments: "IN days integer" }),
      `ALTER PROCEDURE "ops"."rebuild"(IN days integer) OWNER TO "tracksolid_owner"`,
    ],
    [
      object("aggregate", "ops", "median", { arguments: "double precision" }),
      `ALTER AGGREGATE "ops"."median"(double precision) OWNER TO "tracksolid_owner"`,
    ],
    [
      object("type", "tracksolid", "device_status"),
      `ALTER TYPE "tracksolid"."device_status" OWNER TO "tracksolid_owner"`,
    ],
    [object("domain", "tracksolid", "Imei"), `ALTER DOMAIN "tracksolid"."Imei" OWNER TO "tracksolid_owner"`],
  ])("%o", (given, expected) => {
    expect(alterOwner(given, "tracksolid_owner")).toBe(expected);
  });

  test("the new owner is quoted too", () => {
    expect(alterOwner(object("table", "s", "t"), 'Owner "X"')).toBe(`ALTER TABLE "s"."t" OWNER TO "Owner ""X"""`);
  });
});

describe("defaultPrivilegeStatement", () => {
  const change = (extra: Partial<DefaultPrivilegeChange>): DefaultPrivilegeChange => ({
    action: "GRANT",
    objectType: "TABLES",
    privileges: ["SELECT"],
    grantable: false,
    ...extra,
  });
  test.each([
    [
      change({ schema: "tracksolid", grantee: "bi_reader" }),
      `ALTER DEFAULT PRIVILEGES FOR ROLE "tracksolid_owner" IN SCHEMA "tracksolid" GRANT SELECT ON TABLES TO "bi_reader"`,
    ],
    [
      change({ grantee: 'Back"up', privileges: ["SELECT", "UPDATE"], objectType: "SEQUENCES", grantable: true }),
      `ALTER DEFAULT PRIVILEGES FOR ROLE "tracksolid_owner" GRANT SELECT, UPDATE ON SEQUENCES TO "Back""up" WITH GRANT OPTION`,
    ],
    [
      change({ schema: "Ré", objectType: "FUNCTIONS", privileges: ["EXECUTE"] }),
      `ALTER DEFAULT PRIVILEGES FOR ROLE "tracksolid_owner" IN SCHEMA "Ré" GRANT EXECUTE ON FUNCTIONS TO PUBLIC`,
    ],
    [
      change({ action: "REVOKE", objectType: "FUNCTIONS", privileges: ["EXECUTE"] }),
      `ALTER DEFAULT PRIVILEGES FOR ROLE "tracksolid_owner" REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC`,
    ],
  ])("%o", (given, expected) => {
    expect(defaultPrivilegeStatement(given, "tracksolid_owner")).toBe(expected);
  });
});

describe("transactionStatements", () => {
  test("SET LOCAL lock_timeout, then a DO block that retries each attempt in a subtransaction, bounded", () => {
    const hostile = object("table", "s", "it's $fleetdb$ here");
    const [setting, block] = transactionStatements({ label: "transaction 1 of 1", objects: [hostile], locks: 1 }, "o", {
      lockTimeout: "500ms",
      retries: 2,
      backoffSeconds: 1,
    });
    expect(setting).toBe("SET LOCAL lock_timeout = '500ms'");
    // The name holds the default dollar-quote tag: the block picks another one the body cannot close.
    expect(block).toBe(
      [
        "DO $fleetdb_1$",
        "BEGIN",
        "  DECLARE",
        "    attempt integer := 0;",
        "  BEGIN",
        "    LOOP",
        "      BEGIN",
        `        ALTER TABLE "s"."it's $fleetdb$ here" OWNER TO "o";`,
        "        EXIT;",
        "      EXCEPTION WHEN lock_not_available THEN",
        "        attempt := attempt + 1;",
        "        IF attempt > 2 THEN",
        "          RAISE;",
        "        END IF;",
        `        RAISE NOTICE 'fleetdb handover: % is busy (a lock was not granted within %), retry % of % in % s', 's."it''s $fleetdb$ here"', '500ms', attempt, 2, least(30, 1 * 2 ^ (attempt - 1));`,
        "        PERFORM pg_catalog.pg_sleep(least(30, 1 * 2 ^ (attempt - 1)));",
        "      END;",
        "    END LOOP;",
        "  END;",
        "END",
        "$fleetdb_1$",
      ].join("\n"),
    );
  });
});

describe("displayName", () => {
  test.each([
    [["tracksolid", "position_history"], "tracksolid.position_history"],
    [["tracksolid", "Position"], 'tracksolid."Position"'],
    [["s", 'a"b'], 's."a""b"'],
    [["s", "ü"], 's."ü"'],
    [["s", "f", "integer"], "s.f(integer)"],
    [["reporting"], "reporting"],
  ] as const)("%o → %s", (parts, expected) => {
    expect(displayName(...(parts as unknown as [string, string?, string?]))).toBe(expected);
  });
});
