// The offline gate end to end: the real pack, under the CLI's runner, over the stacks and the bad fixtures.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { runTool, type ToolResult } from "../support/runTool";

const fixture = (name: string) => path.join("test", "fixtures", `${name}.yaml`);
const results: Record<string, ToolResult> = {};

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "fleetdb-gate-"));
  const softened = path.join(dir, "soft.json");
  writeFileSync(softened, JSON.stringify({ "no-public-db-port": "advisory" }));
  const invalid = path.join(dir, "invalid.json");
  writeFileSync(invalid, JSON.stringify({ "connection-budget": { maxConnectionsCeiling: "lots" } }));
  const raised = path.join(dir, "raised.json");
  writeFileSync(raised, JSON.stringify({ all: "mandatory", "connection-budget": { maxConnectionsCeiling: 100 } }));
  const runs: Record<string, string[]> = {
    prod: ["--stack", "prod"],
    dev: ["--stack", "dev"],
    prodJson: ["--stack", "prod", "--json"],
    small: ["--config-file", fixture("small")],
    alternating: ["--config-file", fixture("alternating")],
    shortTimeouts: ["--config-file", fixture("short-timeouts")],
    overBudget: ["--config-file", fixture("over-budget")],
    publicBind: ["--config-file", fixture("public-bind")],
    publicBindSoftened: ["--config-file", fixture("public-bind"), "--policy-config", softened],
    invalidPolicyConfig: ["--stack", "dev", "--policy-config", invalid],
    allMandatory: ["--stack", "prod", "--policy-config", raised],
    unboundedRole: ["--config-file", fixture("unbounded-role")],
    malformed: ["--config-file", fixture("malformed")],
    missing: ["--stack", "staging"],
  };
  // A few at a time: each gate starts node, the program and the pack; twelve at once starve a 2-core machine.
  const queue = Object.entries(runs);
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) results[next[0]] = await runTool("gate", next[1]);
  };
  await Promise.all([worker(), worker(), worker()]);
}, 300_000);

describe("clean stacks exit 0", () => {
  // Each run also checks that the program's connectionBudget output is the policy's computation (else exit 4).
  test.each(["prod", "dev", "small", "alternating", "shortTimeouts"])("%s", (name) => {
    expect(results[name].stderr).not.toMatch(/error/);
    expect(results[name].code).toBe(0);
    expect(results[name].stdout).toMatch(/PASS: no mandatory policy violated/);
  });

  test("prod: every policy's result, the budget table and the bar", () => {
    const { stdout } = results.prod;
    for (const [policy, level, status] of [
      ["no-superuser-app-roles", "mandatory", "pass"],
      ["connection-budget", "mandatory", "pass"],
      ["no-public-db-port", "mandatory", "pass"],
      ["pinned-db-image", "advisory", "pass"],
      ["login-role-timeouts", "advisory", "pass"],
      ["provider-tls", "advisory", "not applicable"],
      ["admin-reserved-slots", "advisory", "pass"],
      ["contained-extensions", "advisory", "pass"],
      ["external-provider-tls", "mandatory", "not applicable"],
      ["pooler-role-caps", "mandatory", "pass"],
    ]) {
      expect(stdout).toMatch(new RegExp(`│ ${policy} +│ ${level} +│ ${status} `));
    }
    expect(stdout).toMatch(/│ total +│ +100 │ of max_connections 100/);
    expect(stdout).toMatch(
      /│ deployer \(dynamic\) +│ deployer +│ +1 │ fleetdb dynamic resources, one connection at a time/,
    );
    expect(stdout).toContain("[████████████████████████████████████████] 100/100 slots, 0 left");
  });

  test("--json carries the same verdict and the budget", () => {
    const report = JSON.parse(results.prodJson.stdout);
    expect(report).toMatchObject({
      stack: "prod",
      passed: true,
      pack: { name: "fleetdb-guardrails" },
      budget: { total: 100, maxConnections: 100, headroom: 0 },
    });
    expect(
      report.policies.map((policy: { name: string; status: string }) => `${policy.name}:${policy.status}`),
    ).toEqual([
      "no-superuser-app-roles:pass",
      "connection-budget:pass",
      "no-public-db-port:pass",
      "pinned-db-image:pass",
      "login-role-timeouts:pass",
      "provider-tls:not applicable",
      "admin-reserved-slots:pass",
      "contained-extensions:pass",
      "external-provider-tls:not applicable",
      "pooler-role-caps:pass",
    ]);
  });

  test("secure: values, top-level and nested, become placeholders and are said so on stderr", () => {
    expect(results.small.stderr).toContain("note: fleetdb:superuserPassword is a secret; offline it is a placeholder");
    expect(results.small.stderr).toContain(
      "note: fleetdb:budget.unmanaged.admin_tools.description is a secret; offline it is a placeholder",
    );
  });

  test("`all: mandatory` changes no verdict on prod (provider-tls stays not applicable)", () => {
    expect(results.allMandatory.code).toBe(0);
    expect(results.allMandatory.stdout).toMatch(/│ pinned-db-image +│ mandatory +│ pass/);
  });
});

describe("policy violations exit 1 and name the policy", () => {
  test("over budget (unmanaged raised)", () => {
    const { code, stdout } = results.overBudget;
    expect(code).toBe(1);
    expect(stdout).toMatch(/│ connection-budget +│ mandatory +│ violation/);
    expect(stdout).toContain("connections over budget: 36 of max_connections 30 (6 over)");
    expect(stdout).toContain("FAIL: 1 mandatory policy violated; pulumi preview --policy-pack policies would fail");
  });

  test("a public bind address", () => {
    const { code, stdout } = results.publicBind;
    expect(code).toBe(1);
    expect(stdout).toMatch(/│ no-public-db-port +│ mandatory +│ violation/);
    expect(stdout).toContain(
      "timescale-container: container timescaledb publishes PostgreSQL 5433:5432 on ip 0.0.0.0, beyond loopback: set ip to 127.0.0.1",
    );
    expect(stdout).toContain("fix: Publish the port on 127.0.0.1");
  });

  test("the same violation at advisory level warns and passes, as the CLI's --policy-pack-config would", () => {
    const { code, stdout } = results.publicBindSoftened;
    expect(code).toBe(0);
    expect(stdout).toMatch(/│ no-public-db-port +│ advisory +│ violation/);
    expect(stdout).toContain("PASS: no mandatory policy violated (1 advisory with warnings)");
  });
});

describe("bad input exits 2 and names the key", () => {
  test("an unbounded login role", () => {
    expect(results.unboundedRole.code).toBe(2);
    expect(results.unboundedRole.stderr).toContain(
      "error: unbounded-role.yaml: fleetdb:roles.reader_app.connectionLimit: a login role needs a hard CONNECTION LIMIT: expected an integer >= 0 (0 for a login that only runs background jobs), got -1",
    );
    expect(results.unboundedRole.stdout).toBe("");
  });

  test("a malformed file", () => {
    expect(results.malformed.code).toBe(2);
    expect(results.malformed.stderr).toMatch(
      /malformed\.yaml:7:1: not valid YAML under config\.fleetdb:databases\.app_db\.schemas: /,
    );
  });

  test("a stack file that does not exist", () => {
    expect(results.missing.code).toBe(2);
    expect(results.missing.stderr).toMatch(/Pulumi\.staging\.yaml: cannot read \(ENOENT\)/);
  });

  test("a policy config the CLI would refuse", () => {
    expect(results.invalidPolicyConfig.code).toBe(2);
    expect(results.invalidPolicyConfig.stderr).toContain(
      "error: connection-budget: maxConnectionsCeiling must be integer",
    );
  });
});
