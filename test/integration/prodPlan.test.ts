// The prod plan on a real PostgreSQL 16: the brief's privilege matrix, settings, attributes, and a harmless re-run.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Client } from "pg";
import { applyStack, type AppliedStack } from "../support/appliedStack";
import { catalogSnapshot } from "../support/catalogSnapshot";
import { foreignMetaCommands } from "../support/psqlLines";
import { LOGIN_ROLES, prodPrivilegeChecks, runMigrations, seedLiveServer } from "../support/prodChecks";

let stack: AppliedStack;

beforeAll(async () => {
  stack = await applyStack({ stack: "prod" }, {}, seedLiveServer);
  await runMigrations(stack);
}, 240_000);

afterAll(async () => {
  await stack?.server.stop();
});

test("the applied plan holds only the meta-commands fleetdb writes", () => {
  const script = readFileSync(stack.planFile, "utf8");
  expect(foreignMetaCommands(script)).toEqual([]);
  expect(script).toContain("\\connect '\"tracksolid_db\"'\n");
});

prodPrivilegeChecks(() => stack, { adopted: true });

describe("passwords", () => {
  test("the server stored SCRAM verifiers; the plan itself never set a password", async () => {
    const rows = await stack.server.query<{ rolname: string; rolpassword: string }>(
      "SELECT rolname, rolpassword FROM pg_authid WHERE rolname IN ('tracksolid_owner','dashboard_app','gateway_app','cron_app')",
    );
    for (const row of rows) expect(row.rolpassword, row.rolname).toMatch(/^SCRAM-SHA-256\$4096:/);
    const plan = readFileSync(stack.planFile, "utf8");
    expect(plan).not.toMatch(/ENCRYPTED PASSWORD|PASSWORD '/);
    expect(plan).toContain("PASSWORD NULL");
  });
});

describe("a second run of the plan", () => {
  test("succeeds, changes nothing in roles, settings, memberships, ACLs or default ACLs, and every password still works", async () => {
    const before = await catalogSnapshot(stack.server);
    const second = await stack.applyPlan();
    expect(second.code).toBe(0);
    expect(await catalogSnapshot(stack.server)).toEqual(before);
    for (const role of LOGIN_ROLES) {
      const client = new Client(stack.login(role));
      await client.connect();
      expect((await client.query("SELECT current_user AS me")).rows[0].me).toBe(role);
      await client.end();
    }
  });
});
