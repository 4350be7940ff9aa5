// CONNECTION LIMIT and the superuser reserve on a server set up for prod (100 slots, 3 reserved), the roles at their limits.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Client, type ClientConfig } from "pg";
import type { LoggedInStack } from "./appliedStack";

const LIMITS = { tracksolid_owner: 30, dashboard_app: 8, gateway_app: 15, cron_app: 5 } as const;

/** Defines the checks; `current()` gives a prod stack on a server with max_connections 100 and 3 reserved. */
export function connectionLimitChecks(current: () => LoggedInStack): void {
  const held: Client[] = [];

  beforeAll(async () => {
    // An unmanaged login with no limit, to fill what the app roles leave.
    await current().server.query(
      "CREATE ROLE filler LOGIN PASSWORD 'filler-password'; GRANT CONNECT ON DATABASE tracksolid_db TO filler",
    );
  });

  afterAll(async () => {
    await Promise.all(held.map((client) => client.end().catch(() => undefined)));
  });

  /** Opens a session and keeps it; resolves to "ok" or the server's refusal. */
  async function open(config: ClientConfig): Promise<string> {
    const client = new Client(config);
    client.on("error", () => undefined);
    try {
      await client.connect();
      held.push(client);
      return "ok";
    } catch (error) {
      return (error as Error).message;
    }
  }

  async function release(count: number): Promise<void> {
    await Promise.all(held.splice(held.length - count, count).map((client) => client.end()));
  }

  async function sessions(): Promise<number> {
    const [row] = await current().server.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_stat_activity WHERE backend_type = 'client backend'",
    );
    return Number(row.n) - 1;
  }

  describe("each role opens exactly its limit", () => {
    test.each(Object.entries(LIMITS))(
      "%s: %d sessions, then 'too many connections for role'; the others still connect",
      async (role, limit) => {
        const stack = current();
        for (let n = 1; n <= limit; n += 1) expect(await open(stack.login(role)), `${role} session ${n}`).toBe("ok");
        expect(await open(stack.login(role))).toBe(`too many connections for role "${role}"`);
        const other = Object.keys(LIMITS).find((name) => name !== role)!;
        expect(await open(stack.login(other))).toBe("ok");
        await release(limit + 1);
      },
    );
  });

  describe("admin headroom for held sessions", () => {
    test("with every non-superuser slot taken, a non-superuser is refused with the reserved-slots error and the superuser gets in", async () => {
      const stack = current();
      for (const [role, limit] of Object.entries(LIMITS)) {
        for (let n = 0; n < limit; n += 1) expect(await open(stack.login(role))).toBe("ok");
      }
      const filler = {
        host: "127.0.0.1",
        port: stack.server.port,
        user: "filler",
        password: "filler-password",
        database: "tracksolid_db",
      };
      // 100 slots − 3 superuser-reserved = 97 for everyone else.
      while ((await sessions()) < 97) expect(await open(filler)).toBe("ok");
      expect(await open(filler)).toBe("remaining connection slots are reserved for roles with the SUPERUSER attribute");
      expect(await open(stack.login("gateway_app"))).toBe('too many connections for role "gateway_app"');
      const admin = await stack.server.connect();
      expect((await admin.query("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).rows[0].rolsuper).toBe(
        true,
      );
      await admin.end();
    });
  });
}
