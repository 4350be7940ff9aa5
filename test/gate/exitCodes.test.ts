// Every tool ends the same way: 0 clean, 1 a check failed, 2 bad input, 3 server unreachable, 4 a crash
// of our own; one line on stderr for each problem and no stack trace, for everything but a crash.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { freePort } from "../support/embeddedServer";
import { runTool } from "../support/runTool";
import { foreignMetaCommands } from "../support/psqlLines";

const dir = mkdtempSync(path.join(tmpdir(), "fleetdb-exit-"));
function file(name: string, text: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, text);
  return target;
}
const prodText = readFileSync("Pulumi.prod.yaml", "utf8");

function expectOneLineEach(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toMatch(/fleetdb failed/);
}

describe("bad input exits 2 with one line, no stack trace", () => {
  test.each([
    ["gate", ["--stack", "prod", "--no-such-option"], /unknown option '--no-such-option'/],
    ["plan", ["--stack", "prod\n\\! echo PWNED #"], /--stack "prod\\n\\\\! echo PWNED #": expected a stack name/],
    ["gate", ["--config-file", "ALIAS"], /Excessive alias count/],
    ["gate", ["--config-file", "PLAINTEXT"], /fleetdb:superuserPassword: must be a secret/],
    ["gate", ["--config-file", "NO_NAMESPACE"], /could not parse "server" as a configuration key/],
    [
      "plan",
      ["--stack", "prod", "--validate", "not a url"],
      /--validate: expected a postgres:\/\/ or postgresql:\/\/ URL/,
    ],
    ["passwords", ["--from", "BAD_URL"], /"gateway": expected a postgresql:\/\/ URL/],
    [
      "passwords",
      ["--from", "SUPERUSER"],
      /"admin": user "postgres" is not a role fleetdb manages: "postgres" is reserved/,
    ],
    ["passwords", ["--from", "NOT_JSON"], /not JSON \(the content is not shown: it may hold passwords\)/],
  ])("%s %j", async (tool, rawArgs, message) => {
    const fixtures: Record<string, string> = {
      ALIAS: file(
        "alias.yaml",
        "config:\n  fleetdb:a: &a [1,1,1,1,1,1,1,1,1,1]\n  fleetdb:b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n  fleetdb:c: [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n",
      ),
      PLAINTEXT: file("plain.yaml", `${prodText}\n  fleetdb:superuserPassword: hunter2secret\n`),
      NO_NAMESPACE: file("nons.yaml", "config:\n  server:\n    mode: embedded\n"),
      BAD_URL: file("bad.json", JSON.stringify({ gateway: "http://x:secretpw@host/db" })),
      SUPERUSER: file("su.json", JSON.stringify({ admin: "postgresql://postgres:secretpw@host:5432/postgres" })),
      NOT_JSON: file("nj.json", "{ gateway: postgresql://u:secretpw@h/d"),
    };
    const args = rawArgs.map((arg) => fixtures[arg] ?? arg);
    const result = await runTool(tool, args);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain("secretpw");
    expect(result.stderr).not.toContain("hunter2secret");
    expectOneLineEach(result.stderr);
  });
});

test("plan --validate against a port nothing listens on exits 3, naming the target and not the password", async () => {
  const port = await freePort();
  const result = await runTool("plan", [
    "--stack",
    "prod",
    "--validate",
    `postgresql://postgres:secretpw@127.0.0.1:${port}/postgres`,
  ]);
  expect(result.code, result.stderr).toBe(3);
  expect(result.stderr).toMatch(
    new RegExp(`^error: cannot connect to postgres@127.0.0.1:${port}/postgres \\(database postgres\\): .*ECONNREFUSED`),
  );
  expect(result.stderr.trim().split("\n")).toHaveLength(1);
  expect(result.stderr).not.toContain("secretpw");
});

test("a description with backslashes and backticks is accepted and never reaches the plan's meta-commands", async () => {
  const config = file(
    "described.yaml",
    prodText.replace("description: refreshes reporting views", "description: 'x\\! echo PWNED `id` :var'"),
  );
  const result = await runTool("plan", ["--config-file", config]);
  expect(result.code, result.stderr).toBe(0);
  expect(foreignMetaCommands(result.stdout)).toEqual([]);
  expect(result.stdout).not.toContain("PWNED");
});

test("a policy config the CLI accepts silently is named on stderr: an unknown policy or property, a mandatory policy turned down", async () => {
  const config = file(
    "policy.json",
    JSON.stringify({
      "no-such-policy": "mandatory",
      "no-public-db-port": { enforcementLevel: "disabled", hostPort: [5433] },
    }),
  );
  const result = await runTool("gate", ["--stack", "prod", "--policy-config", config]);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toContain('warning: policy config: "no-such-policy" is not a policy of this pack');
  expect(result.stderr).toContain(
    "warning: policy config: no-public-db-port.hostPort is not a property of no-public-db-port (it has: hostPorts)",
  );
  expect(result.stderr).toContain(
    "warning: policy config: no-public-db-port is mandatory in the pack and is set to disabled here",
  );
});
