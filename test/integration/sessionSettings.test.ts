// Per-role session defaults in force on a real server: reported by a fresh session, and enforced.
import { afterAll, beforeAll, expect, test } from "vitest";
import { Client } from "pg";
import { applyStack, type AppliedStack } from "../support/appliedStack";

let stack: AppliedStack;

beforeAll(async () => {
  stack = await applyStack({ configFile: "test/fixtures/short-timeouts.yaml" });
  await stack.server.query("SET ROLE app_owner; CREATE TABLE app.items (id int); RESET ROLE", "app_db");
}, 240_000);

afterAll(async () => {
  await stack?.server.stop();
});

async function session(role: string): Promise<{ client: Client; errors: Error[] }> {
  const client = new Client(stack.login(role));
  const errors: Error[] = [];
  client.on("error", (error) => errors.push(error));
  await client.connect();
  return { client, errors };
}

test("a fresh session reports all four settings the stack sets; the IN DATABASE lock_timeout wins in its database", async () => {
  const { client } = await session("reader_app");
  const { rows } = await client.query(
    "SELECT current_setting('statement_timeout') AS s, current_setting('idle_in_transaction_session_timeout') AS i, current_setting('lock_timeout') AS l, current_setting('idle_session_timeout') AS d",
  );
  await client.end();
  expect(rows[0]).toEqual({ s: "300ms", i: "500ms", l: "150ms", d: "700ms" });
  const elsewhere = new Client({ ...stack.login("reader_app"), database: "postgres" });
  await stack.server.query("GRANT CONNECT ON DATABASE postgres TO reader_app");
  await elsewhere.connect();
  const { rows: other } = await elsewhere.query("SELECT current_setting('lock_timeout') AS l");
  await elsewhere.end();
  await stack.server.query("REVOKE CONNECT ON DATABASE postgres FROM reader_app");
  expect(other[0].l).toBe("250ms");
});

test("a lock wait over lock_timeout is cancelled", async () => {
  const holder = await stack.server.connect("app_db");
  await holder.query("BEGIN; LOCK TABLE app.items IN ACCESS EXCLUSIVE MODE");
  const { client } = await session("reader_app");
  await expect(client.query("SELECT * FROM app.items")).rejects.toThrow("canceling statement due to lock timeout");
  await client.end();
  await holder.query("ROLLBACK");
  await holder.end();
});

test("an idle session over idle_session_timeout is terminated", async () => {
  const { client, errors } = await session("reader_app");
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(errors.map((error) => error.message)).toContain("terminating connection due to idle-session timeout");
  await client.end().catch(() => undefined);
});

test("a statement over its timeout is cancelled", async () => {
  const { client } = await session("reader_app");
  await expect(client.query("SELECT pg_sleep(2)")).rejects.toThrow("canceling statement due to statement timeout");
  await client.end();
});

test("an idle-in-transaction session is terminated", async () => {
  const { client, errors } = await session("reader_app");
  await client.query("BEGIN");
  await client.query("SELECT 1");
  await new Promise((resolve) => setTimeout(resolve, 650));
  const next = await client.query("SELECT 1").then(
    () => "ok",
    (error: Error) => error.message,
  );
  expect(next).not.toBe("ok");
  expect(errors.map((error) => error.message)).toContain("terminating connection due to idle-in-transaction timeout");
  await client.end().catch(() => undefined);
});

test("settings are session defaults, not bounds: a client may SET its own", async () => {
  const { client } = await session("reader_app");
  await client.query("SET statement_timeout = '5s'");
  await expect(client.query("SELECT pg_sleep(0.5)")).resolves.toBeDefined();
  await client.end();
});

test("the owner's 0 means no per-role value: the server default applies", async () => {
  const { client } = await session("app_owner");
  const { rows } = await client.query("SELECT current_setting('statement_timeout') AS s");
  await client.end();
  expect(rows[0].s).toBe("0");
});
