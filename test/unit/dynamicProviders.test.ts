// The dynamic providers' decisions that need no server: diffs, refusals, TLS, and an unreachable server.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { superuserPasswordProvider, type SuperuserPasswordInputs } from "../../components/superuserPassword";
import { namespaceValues, parseStackConfig } from "../../src/config/load";
import { tlsFor } from "../../src/dynamic/adminLogin";
import { freePort } from "../support/embeddedServer";

const superuser = (change: Partial<SuperuserPasswordInputs> = {}): SuperuserPasswordInputs => ({
  fleetdbKind: "superuser-password",
  admin: {
    host: "127.0.0.1",
    port: 1,
    database: "postgres",
    user: "postgres",
    sslmode: "disable",
    connectTimeoutSeconds: 2,
  },
  password: "new",
  verifier: "SCRAM-SHA-256$4096:c2FsdA==$a2V5:c2VydmVy",
  ...change,
});

describe("superuser-password", () => {
  test.each<
    [
      string,
      Partial<SuperuserPasswordInputs>,
      Partial<SuperuserPasswordInputs>,
      { changes: boolean; replaces: string[] },
    ]
  >([
    ["nothing changed", {}, {}, { changes: false, replaces: [] }],
    ["a new password (the marker changed)", { password: "old" }, {}, { changes: true, replaces: [] }],
    [
      "only the bootstrap password changed: ignored",
      { bootstrapPassword: "a" },
      { bootstrapPassword: "b" },
      { changes: false, replaces: [] },
    ],
    [
      "a refresh found the stored password refused",
      { loginWorks: false } as Partial<SuperuserPasswordInputs>,
      {},
      { changes: true, replaces: [] },
    ],
    [
      "another superuser",
      {},
      { admin: { ...superuser().admin, user: "admin" } },
      { changes: true, replaces: ["admin"] },
    ],
  ])("diff: %s", async (_case, olds, news, expected) => {
    expect(await superuserPasswordProvider.diff!("superuser/postgres", superuser(olds), superuser(news))).toEqual(
      expected,
    );
  });

  test("removing the marker while superuserPassword is set would bring the old password back: refused before connecting", async () => {
    await expect(
      superuserPasswordProvider.update!(
        "superuser/postgres",
        superuser({ password: "generated" }),
        superuser({ password: "leaked", bootstrapPassword: "leaked" }),
      ),
    ).rejects.toThrow(
      "refusing to set the superuser back to fleetdb:superuserPassword, which the stack rotated away from",
    );
  });

  test("a refresh against an unreachable server fails; it does not report the password as refused", async () => {
    const port = await freePort();
    await expect(
      superuserPasswordProvider.read!("superuser/postgres", superuser({ admin: { ...superuser().admin, port } })),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe("TLS for the dynamic providers, as libpq's sslmode", () => {
  test("disable and require", () => {
    expect(tlsFor("disable")).toBe(false);
    expect(tlsFor("require")).toEqual({ rejectUnauthorized: false });
  });

  test("verify-ca checks the chain against PGSSLROOTCERT but not the host name; verify-full checks both", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "fleetdb-ca-")), "root.crt");
    writeFileSync(file, "-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n");
    const previous = process.env.PGSSLROOTCERT;
    process.env.PGSSLROOTCERT = file;
    try {
      const ca = tlsFor("verify-ca") as {
        rejectUnauthorized: boolean;
        ca?: string;
        checkServerIdentity?: () => undefined;
      };
      expect(ca).toMatchObject({
        rejectUnauthorized: true,
        ca: "-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n",
      });
      expect(ca.checkServerIdentity?.()).toBeUndefined();
      const full = tlsFor("verify-full") as Record<string, unknown>;
      expect(full).toMatchObject({ rejectUnauthorized: true });
      expect(full.checkServerIdentity).toBeUndefined();
    } finally {
      if (previous === undefined) delete process.env.PGSSLROOTCERT;
      else process.env.PGSSLROOTCERT = previous;
    }
  });
});

test("a secret config value is never parsed, so no parse error can quote it", () => {
  const values = namespaceValues(
    { "fleetdb:superuserPassword": "[hunter2secret", "fleetdb:passwordRotation": "1" },
    (key) => key === "fleetdb:superuserPassword",
  );
  expect(values).toEqual({ superuserPassword: "[hunter2secret", passwordRotation: "1" });
  expect(() => parseStackConfig(values)).toThrow(/fleetdb:server: required/);
  expect(() => parseStackConfig(values)).not.toThrow(/hunter2/);
});
