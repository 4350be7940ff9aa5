// The optional auditor login: NOSUPERUSER, pg_monitor, CONNECT on the audited databases, counted in the budget.
import { beforeAll, describe, expect, test } from "vitest";
import { parse } from "pg-connection-string";
import { budgetFromResources } from "../../policies/core/budgetFromResources";
import { computeBudget, type ConnectionBudget } from "../../policies/core/connectionBudget";
import { stackPolicyResources } from "../../tools/lib/stackPolicyResources";
import { runProgram, type ProgramRun } from "../../tools/lib/mockRuntime";
import { readStackFile, stackFilePath } from "../../tools/lib/stackFile";
import { byUrn, named, ofType, TYPES } from "../support/programRun";

let run: ProgramRun;

beforeAll(async () => {
  const file = readStackFile(stackFilePath("prod"));
  run = await runProgram({
    config: {
      ...file.config,
      "fleetdb:audit": JSON.stringify({ auditor: { name: "fleetdb_auditor", connectionLimit: 1 } }),
    },
    secretKeys: file.secretKeys,
    stack: "prod",
    preview: false,
  });
});

describe("auditor login", () => {
  test("one login under fleetdb:audit:AuditorLogin: bounded, nothing elevated, member of pg_monitor only", () => {
    const role = named(run, TYPES.role, "auditor-role");
    expect(byUrn(run, role.parent)?.type).toBe("fleetdb:audit:AuditorLogin");
    expect(role.inputs).toMatchObject({
      name: "fleetdb_auditor",
      login: true,
      superuser: false,
      createDatabase: false,
      createRole: false,
      replication: false,
      bypassRowLevelSecurity: false,
      connectionLimit: 1,
      roles: ["pg_monitor"],
      statementTimeout: 30000,
      idleInTransactionSessionTimeout: 60000,
    });
    expect(role.secretInputs).toContain("password");
    expect(String(role.inputs.password)).toMatch(/^SCRAM-SHA-256\$4096:/);
  });

  test("CONNECT on postgres and each application database, never template1", () => {
    const grants = ofType(run, TYPES.grant).filter((grant) => grant.inputs.role === "fleetdb_auditor");
    expect(grants.map((grant) => [grant.inputs.database, grant.inputs.privileges]).sort()).toEqual([
      ["fleet_platform", ["CONNECT"]],
      ["postgres", ["CONNECT"]],
      ["tracksolid_db", ["CONNECT"]],
    ]);
  });

  test("its limit is in the budget the config declares, and the policy recomputes the same", () => {
    const budget = run.outputs.connectionBudget as ConnectionBudget;
    expect(budget.lines.find((line) => line.name === "fleetdb_auditor")).toEqual({
      kind: "role",
      name: "fleetdb_auditor",
      slots: 1,
      detail: "CONNECTION LIMIT",
    });
    expect(budget).toMatchObject({ total: 100, headroom: 0, fits: true });
    expect(computeBudget(budgetFromResources(stackPolicyResources(run), 100).input)).toEqual(budget);
  });

  test("auditorUrl: a secret URL for the auditor, application_name fleetdb-audit, on the admin endpoint", () => {
    expect(run.secretOutputs).toContain("auditorUrl");
    const url = parse(String(run.outputs.auditorUrl));
    expect([url.user, url.host, url.port, url.database, url.application_name]).toEqual([
      "fleetdb_auditor",
      "127.0.0.1",
      "5433",
      "postgres",
      "fleetdb-audit",
    ]);
  });
});
