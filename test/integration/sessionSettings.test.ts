// Per-role session defaults in force on a real server: reported by a fresh session, and enforced.
import { afterAll, beforeAll, expect, test } from "vitest";
import { Client } from "pg";
import { applyStack, type AppliedStack } from "../support/appliedStack";

let stack: AppliedStack;

beforeAll(async () => {
  stack = await applyStack({ configFile: "test/fixtures/short-timeouts.yaml" });
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

test("a fresh session reports the stack's statement_timeout and idle_in_transaction_session_timeout", async () => {
  const { client } = await session("reader_app");
  const { rows } = await client.query("SELECT current_setting('statement_timeout') AS s, current_setting('idle_in_transaction_session_timeout') AS i");
  await client.end();
  expect(rows[0]).toEqual({ s: "300ms", i: "500ms" });
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
  await new Promise((resolve) => setTimeout(resolve, 1500));
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
