// fleetdb:audit: the auditor login and the match rules, each rejection naming its key.
import { describe, expect, test } from "vitest";
import { addressMatches, parseAddressBlock } from "../../src/config/sections/audit";
import { parseStackConfig } from "../../src/config/load";
import { problemsOf, prodWith } from "../support/stackConfig";

describe("fleetdb:audit", () => {
  test("optional: absent means no auditor and no match rules; the auditor's limit defaults to 1", () => {
    expect(parseStackConfig(prodWith((v) => delete v.audit)).audit).toEqual({ match: {} });
    expect(parseStackConfig(prodWith((v) => (v.audit = { auditor: { name: "fleetdb_auditor" } }))).audit).toEqual({
      auditor: { name: "fleetdb_auditor", connectionLimit: 1 },
      match: {},
    });
  });

  test.each<[string, Record<string, unknown>, string[]]>([
    [
      "a match rule for nobody",
      { match: { billing: { applicationName: "billing" } } },
      [
        'fleetdb:audit.match.billing: "billing" is neither a service nor an unmanaged consumer (services: webhook_receiver, ingest_worker, worker, dashboard_api, gateway, cron)',
      ],
    ],
    [
      "a rule that matches nothing",
      { match: { worker: {} } },
      ["fleetdb:audit.match.worker: a match rule needs applicationName, clientAddress, or both"],
    ],
    [
      "a client address that is not one",
      { match: { worker: { clientAddress: "10.0.0.0/33" } } },
      [
        'fleetdb:audit.match.worker.clientAddress: expected an IP address or a CIDR block such as 172.18.0.0/16, got "10.0.0.0/33"',
      ],
    ],
    [
      "an unknown key (and so no rule)",
      { match: { worker: { host: "x" } } },
      [
        "fleetdb:audit.match.worker.host: unknown key",
        "fleetdb:audit.match.worker: a match rule needs applicationName, clientAddress, or both",
      ],
    ],
    [
      "an auditor named like a managed role",
      { auditor: { name: "gateway_app" } },
      ['fleetdb:audit.auditor.name: "gateway_app" is already a role or consumer of this stack'],
    ],
    [
      "an auditor name PostgreSQL would fold or truncate",
      { auditor: { name: "Auditor" } },
      [expect.stringMatching(/^fleetdb:audit\.auditor\.name: invalid name "Auditor": /)],
    ],
    [
      "an auditor limit above 5",
      { auditor: { name: "fleetdb_auditor", connectionLimit: 6 } },
      ["fleetdb:audit.auditor.connectionLimit: Too big: expected number to be <=5"],
    ],
  ])("%s", (_case, audit, problems) => {
    expect(problemsOf(prodWith((v) => (v.audit = audit)))).toEqual(problems);
  });

  test("match rules for services and unmanaged consumers are valid", () => {
    const audit = {
      match: {
        worker: { applicationName: "node-worker", clientAddress: "172.18.0.0/16" },
        admin_tools: { applicationName: "DBeaver 24.1" },
      },
    };
    expect(problemsOf(prodWith((v) => (v.audit = audit)))).toEqual([]);
  });
});

describe("client addresses", () => {
  test.each<[string, string | null, boolean]>([
    ["10.0.0.0/8", "10.1.2.3", true],
    ["10.0.0.0/8", "11.0.0.1", false],
    ["127.0.0.1", "127.0.0.1", true],
    ["127.0.0.1", "127.0.0.2", false],
    ["::1/128", "::1", true],
    ["fd00::/8", "fd12::5", true],
    ["10.0.0.0/8", "fd12::5", false],
    ["10.0.0.0/8", null, false],
  ])("%s matches %s: %s", (block, client, matches) => {
    expect(addressMatches(block, client)).toBe(matches);
  });

  test.each(["10.0.0.0/33", "::1/129", "not-an-ip", "1.2.3.4/8/9", "1.2.3.4/x", ""])("%j is not a block", (text) => {
    expect(parseAddressBlock(text)).toBeUndefined();
  });
});
