// The superuser's rotation waits for the cutover: it refuses while services are logged in as the superuser.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Client, type ClientConfig } from "pg";
import {
  ROTATE_DESPITE_SESSIONS,
  superuserPasswordProvider,
  type SuperuserPasswordInputs,
} from "../../resources/superuserPassword";
import { scramSha256Verifier } from "../../src/scram";
import { hold, settle } from "../support/auditRun";
import { startServer, type TestServer } from "../support/embeddedServer";

let server: TestServer;
const original = () => server.superuser.password;
const next = "n3w/superuser#pass";
const third = "th1rd/superuser#pass";

const state = (password: string, salt: string): SuperuserPasswordInputs => ({
  fleetdbKind: "superuser-password",
  admin: {
    host: "127.0.0.1",
    port: server.port,
    database: "postgres",
    user: "postgres",
    sslmode: "disable",
    connectTimeoutSeconds: 5,
  },
  password,
  verifier: scramSha256Verifier(password, Buffer.from(salt.padEnd(16, "!")).toString("base64")),
});
const login = (password: string): ClientConfig => server.config("postgres", "postgres", password);

async function logsIn(config: ClientConfig): Promise<string> {
  const client = new Client(config);
  client.on("error", () => undefined);
  try {
    await client.connect();
    return "ok";
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const REFUSAL =
  "refusing to rotate the password of postgres: 2 other client session(s) are logged in as it " +
  '(1 × application_name unset from 127.0.0.1; 1 × application_name "webhook_receiver" from 127.0.0.1). ' +
  "Move those services to their own logins first (npm run audit lists them; docs/audit.md), " +
  "or run this one pulumi up with FLEETDB_ROTATE_DESPITE_SESSIONS=1 if you know they can be cut off";

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  delete process.env[ROTATE_DESPITE_SESSIONS];
  await server?.stop();
});

describe("the superuser's rotation and the services still on it", () => {
  test("it refuses while services are logged in as postgres, on the first up and on later ones, and changes nothing", async () => {
    const services = [await hold(login(original()), "webhook_receiver"), await hold(login(original()), "")];
    try {
      await settle(server, 2);
      // The first up with superuserPasswordRotation set: create, from the configured live password to a new one.
      await expect(
        superuserPasswordProvider.create({ ...state(next, "salt-1"), bootstrapPassword: original() }),
      ).rejects.toThrow(REFUSAL);
      await expect(
        superuserPasswordProvider.update!("superuser/postgres", state(original(), "salt-0"), state(next, "salt-1")),
      ).rejects.toThrow(REFUSAL);
      expect(await logsIn(login(original()))).toBe("ok");
      expect(await logsIn(login(next))).toBe('password authentication failed for user "postgres"');
    } finally {
      for (const service of services) await service.end();
    }
  });

  test("once they are gone it rotates", async () => {
    await settle(server, 0);
    const updated = await superuserPasswordProvider.update!(
      "superuser/postgres",
      state(original(), "salt-0"),
      state(next, "salt-1"),
    );
    expect(updated.outs).toEqual(state(next, "salt-1"));
    expect(await logsIn(login(next))).toBe("ok");
    expect(await logsIn(login(original()))).toBe('password authentication failed for user "postgres"');
  });

  test(`${ROTATE_DESPITE_SESSIONS}=1 is the explicit override for an operator who knows better`, async () => {
    const tool = await hold(login(next), "pgadmin");
    try {
      await settle(server, 1, login(next));
      process.env[ROTATE_DESPITE_SESSIONS] = "1";
      await superuserPasswordProvider.update!("superuser/postgres", state(next, "salt-1"), state(third, "salt-2"));
      expect(await logsIn(login(third))).toBe("ok");
      // The session already open keeps working: a password change ends nobody's session.
      expect((await tool.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    } finally {
      delete process.env[ROTATE_DESPITE_SESSIONS];
      await tool.end();
    }
  });
});
