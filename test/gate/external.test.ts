// Mode external through the gate: the prod-like external fixture passes, and every half-switched or weak
// config exits 2 before the program declares anything, naming the key, the value and what is allowed.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { parse, stringify } from "yaml";
import { runTool } from "../support/runTool";

const dir = mkdtempSync(path.join(tmpdir(), "fleetdb-external-"));
const external = parse(readFileSync("test/fixtures/external.yaml", "utf8")) as { config: Record<string, any> };
const prod = parse(readFileSync("Pulumi.prod.yaml", "utf8")) as { config: Record<string, any> };

/** A copy of `base` with `change` applied, written to a file for --config-file. */
function variant(name: string, base: { config: Record<string, any> }, change: (config: Record<string, any>) => void) {
  const copy = structuredClone(base);
  change(copy.config);
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, stringify(copy));
  return file;
}

test("the external fixture passes the gate: no docker resource, the platform's 5 slots in the budget", async () => {
  const result = await runTool("gate", ["--config-file", "test/fixtures/external.yaml"]);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toMatch(/│ platform reserved\s+│ reserved\s+│\s+5 │ superuser and platform slots, declared/);
  expect(result.stdout).toMatch(/│ total\s+│\s+100 │ of max_connections 100/);
  expect(result.stdout).toMatch(/│ external-provider-tls +│ mandatory +│ pass /);
  expect(result.stdout).toMatch(/│ no-public-db-port +│ mandatory +│ not applicable /);
});

describe("rejected external configs exit 2 naming the key", () => {
  test.each<[string, { config: Record<string, any> }, (config: Record<string, any>) => void, string]>([
    [
      "missing host",
      external,
      (c) => delete c["fleetdb:server"].host,
      "fleetdb:server.host: required: expected a host",
    ],
    [
      "missing port",
      external,
      (c) => delete c["fleetdb:server"].port,
      "fleetdb:server.port: expected a port from 1 to 65535, got nothing",
    ],
    [
      "missing platform reserved slots",
      external,
      (c) => delete c["fleetdb:server"].platformReservedConnections,
      "fleetdb:server.platformReservedConnections: expected an integer >= 0, got nothing",
    ],
    [
      "sslmode require for a remote host",
      external,
      (c) => {
        c["fleetdb:server"].sslmode = "require";
        delete c["fleetdb:server"].sslrootcert;
      },
      "fleetdb:server.sslmode: require does not verify the server fleetdb-prod.c1a2b3c4d5e6.eu-west-1.rds.amazonaws.com: expected verify-full or verify-ca with sslrootcert (require and disable only for a loopback host such as an SSH tunnel's 127.0.0.1)",
    ],
    [
      "sslmode disable for a remote host",
      external,
      (c) => {
        c["fleetdb:server"].sslmode = "disable";
        delete c["fleetdb:server"].sslrootcert;
      },
      "fleetdb:server.sslmode: disable does not verify the server fleetdb-prod.c1a2b3c4d5e6.eu-west-1.rds.amazonaws.com",
    ],
    [
      "verify-full without a CA bundle",
      external,
      (c) => delete c["fleetdb:server"].sslrootcert,
      "fleetdb:server.sslrootcert: required with sslmode verify-full: expected the path of the CA bundle (PEM) that signed the server's certificate",
    ],
    [
      "a CA bundle path that is not a path",
      external,
      (c) => (c["fleetdb:server"].sslrootcert = "certs/ca.pem?sslmode=disable"),
      'fleetdb:server.sslrootcert: expected a file path of letters, digits and _ . + - between slashes, such as certs/rds-global-bundle.pem or /etc/ssl/certs/ca.pem, got "certs/ca.pem?sslmode=disable"',
    ],
    [
      "an embedded-only key in external mode",
      external,
      (c) => (c["fleetdb:server"].image = "timescale/timescaledb:2.26.0-pg16"),
      "fleetdb:server.image: is a container key (mode embedded): in mode external fleetdb runs no container; remove it",
    ],
    [
      "the superuser's reserved slots in external mode",
      external,
      (c) => (c["fleetdb:server"].superuserReservedConnections = 3),
      "fleetdb:server.superuserReservedConnections: is a container key (mode embedded): in mode external declare every slot a non-superuser cannot take as platformReservedConnections",
    ],
    [
      "the admin endpoint in external mode",
      external,
      (c) => (c["fleetdb:admin"].sslmode = "verify-full"),
      "fleetdb:admin.sslmode: in mode external the endpoint is fleetdb:server's host, port, sslmode and sslrootcert: remove it here",
    ],
    [
      "superuser rotation in external mode",
      external,
      (c) => (c["fleetdb:superuserPasswordRotation"] = "2026-12-01"),
      "fleetdb:superuserPasswordRotation: does not apply in mode external: the stack does not run the server and rotates no superuser; remove it",
    ],
    [
      "no admin password",
      external,
      (c) => delete c["fleetdb:adminPassword"],
      "fleetdb:adminPassword: invalid secret value (invalid_type); the value is not shown",
    ],
    [
      "PostgreSQL 15",
      external,
      (c) => (c["fleetdb:server"].postgresMajorVersion = 15),
      "fleetdb:server.postgresMajorVersion: expected one of 16, 17, 18 (external mode needs PostgreSQL 16 or later: a CREATEROLE admin manages the roles it creates only from 16), got 15",
    ],
    [
      "an external key in embedded mode",
      prod,
      (c) => (c["fleetdb:server"].host = "db.example.com"),
      "fleetdb:server.host: is an external-server key (mode external): in mode embedded the server is the container; remove it",
    ],
    [
      "a service's CA bundle in embedded mode",
      prod,
      (c) => (c["fleetdb:services"].gateway.sslrootcert = "/etc/ssl/ca.pem"),
      "fleetdb:services.gateway.sslrootcert: is an external-server key (mode external): in mode embedded services reach the container over the docker network without TLS; remove it",
    ],
  ])("%s", async (name, base, change, message) => {
    const result = await runTool("gate", ["--config-file", variant(name.replace(/\W+/g, "-"), base, change)]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
