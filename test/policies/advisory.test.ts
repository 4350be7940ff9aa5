// The advisory policies: a pinned image, declared login-role timeouts, TLS for a provider off loopback.
import { describe, expect, test } from "vitest";
import { loginRoleTimeouts } from "../../policies/login-role-timeouts";
import { unpinnedReason } from "../../policies/core/imageReference";
import { pinnedDbImage } from "../../policies/pinned-db-image";
import { providerTls } from "../../policies/provider-tls";
import { runResourcePolicy, runStackPolicy, UNKNOWN, type TestResource } from "./harness";

describe("pinned-db-image", () => {
  const image = (name: unknown): TestResource => ({
    type: "docker:index/remoteImage:RemoteImage",
    name: "timescale-image",
    props: { name },
  });

  test.each([
    "timescale/timescaledb:2.26.0-pg16",
    `timescale/timescaledb:2.26.0-pg16@sha256:${"a".repeat(64)}`,
    `timescale/timescaledb@sha256:${"b".repeat(64)}`,
    "registry:5000/timescaledb:2.26.0-pg16",
  ])("%s passes", async (name) => {
    expect(await runResourcePolicy(pinnedDbImage, image(name))).toEqual({ violations: [] });
  });

  test.each<[string, string]>([
    [
      "timescale/timescaledb",
      "image timescale-image (timescale/timescaledb) has no tag, which means latest: pin a version tag, ideally a digest",
    ],
    [
      "timescale/timescaledb:latest-pg16",
      "image timescale-image (timescale/timescaledb:latest-pg16) uses the moving tag latest-pg16: pin a version tag, ideally a digest",
    ],
    [
      "registry:5000/timescaledb",
      "image timescale-image (registry:5000/timescaledb) has no tag, which means latest: pin a version tag, ideally a digest",
    ],
    [
      "timescale/timescaledb:pg16",
      "image timescale-image (timescale/timescaledb:pg16) uses the tag pg16, which names no version: pin a version tag, ideally a digest",
    ],
  ])("%s is flagged", async (name, message) => {
    expect(await runResourcePolicy(pinnedDbImage, image(name))).toEqual({ violations: [message] });
  });

  test("unknown at preview", async () => {
    expect((await runResourcePolicy(pinnedDbImage, image(UNKNOWN))).unknown).toBe(
      "string value at .name can't be known during preview",
    );
  });

  test("not applicable to containers", async () => {
    expect(
      (await runResourcePolicy(pinnedDbImage, { type: "docker:index/container:Container", name: "c", props: {} }))
        .notApplicable,
    ).toBeDefined();
  });

  test("unpinnedReason is undefined for a digest alone", () => {
    expect(unpinnedReason(`x@sha256:${"c".repeat(64)}`)).toBeUndefined();
  });
});

describe("login-role-timeouts", () => {
  const role = (change: Record<string, unknown>): TestResource => ({
    type: "postgresql:index/role:Role",
    name: "gateway_app-role",
    props: {
      name: "gateway_app",
      login: true,
      statementTimeout: 15000,
      idleInTransactionSessionTimeout: 60000,
      ...change,
    },
  });

  test("both declared passes; 0 is a declared choice", async () => {
    expect(await runResourcePolicy(loginRoleTimeouts, role({}))).toEqual({ violations: [] });
    expect(await runResourcePolicy(loginRoleTimeouts, role({ statementTimeout: 0 }))).toEqual({ violations: [] });
  });

  test("a missing one is flagged", async () => {
    expect(await runResourcePolicy(loginRoleTimeouts, role({ statementTimeout: undefined }))).toEqual({
      violations: ["login role gateway_app does not declare statement_timeout: set statementTimeout"],
    });
    expect(await runResourcePolicy(loginRoleTimeouts, role({ idleInTransactionSessionTimeout: undefined }))).toEqual({
      violations: [
        "login role gateway_app does not declare idle_in_transaction_session_timeout: set idleInTransactionSessionTimeout",
      ],
    });
  });

  test("groups are exempt", async () => {
    expect(await runResourcePolicy(loginRoleTimeouts, role({ login: false, statementTimeout: undefined }))).toEqual({
      violations: [],
    });
  });
});

describe("provider-tls", () => {
  const provider = (props: Record<string, unknown>): TestResource[] => [
    { type: "pulumi:pulumi:Stack", name: "fleetdb-prod", props: {} },
    { type: "pulumi:providers:postgresql", name: "admin-provider", props },
  ];

  test.each<[Record<string, unknown>]>([
    [{ host: "127.0.0.1", sslmode: "disable" }],
    [{ host: "localhost", sslmode: "disable" }],
    [{ host: "::1", sslmode: "disable" }],
    [{ host: "/var/run/postgresql", sslmode: "disable" }],
    [{ host: "db.example.org", sslmode: "require" }],
    [{ host: "db.example.org", sslmode: "verify-full" }],
    [{ host: "db.example.org" }],
  ])("%j passes", async (props) => {
    expect(await runStackPolicy(providerTls, provider(props))).toEqual({ violations: [] });
  });

  test("a remote host without TLS is flagged", async () => {
    expect(await runStackPolicy(providerTls, provider({ host: "10.0.0.5", sslmode: "disable" }))).toEqual({
      violations: [
        "postgresql provider admin-provider connects to 10.0.0.5 with sslmode disable: use require or stricter, or an SSH tunnel on 127.0.0.1",
      ],
    });
  });

  test("a host from PGHOST cannot be judged", async () => {
    expect(await runStackPolicy(providerTls, provider({ sslmode: "disable" }))).toEqual({
      violations: [],
      notApplicable: "no postgresql provider declares its host (it comes from PGHOST at run time)",
    });
  });
});
