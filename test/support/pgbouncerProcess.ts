// Debian's pgbouncer (1.18) for a test or the benchmark: run as the `postgres` OS user with files it owns, on a free loopback port.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { PoolerPlacement } from "../../src/pooler/pgbouncerConfig";
import { freePort } from "./embeddedServer";

export const PGBOUNCER_BINARY = "/usr/sbin/pgbouncer";

export interface PgbouncerProcess {
  port: number;
  /** The ini as rendered for this run. */
  ini: string;
  log(): string;
  stop(): Promise<void>;
}

export interface PgbouncerFiles {
  /** Renders pgbouncer.ini for the place this run gives it (the stack's own renderer, adapted only here). */
  ini(placement: PoolerPlacement): string;
  userlist: string;
}

/** Why pgbouncer cannot run here, or undefined. */
export function pgbouncerMissing(): string | undefined {
  return existsSync(PGBOUNCER_BINARY)
    ? undefined
    : `${PGBOUNCER_BINARY} is missing: install Debian's pgbouncer (apt-get install pgbouncer; .ci/run does)`;
}

/** Starts pgbouncer in front of 127.0.0.1:serverPort. It refuses to run as root, so it runs as `postgres`. */
export async function startPgbouncer(serverPort: number, files: PgbouncerFiles): Promise<PgbouncerProcess> {
  const dir = mkdtempSync(path.join(tmpdir(), "fleetdb-pgbouncer-"));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const logfile = path.join(dir, "pgbouncer.log");
  const authFile = path.join(dir, "userlist.txt");
  const ini = files.ini({
    serverHost: "127.0.0.1",
    serverPort,
    listenAddr: "127.0.0.1",
    listenPort: port,
    authFile,
    extra: [["logfile", logfile]],
  });
  const iniFile = path.join(dir, "pgbouncer.ini");
  writeFileSync(iniFile, ini, { mode: 0o600 });
  writeFileSync(authFile, files.userlist, { mode: 0o600 });
  writeFileSync(logfile, "", { mode: 0o600 });
  const owner = process.getuid?.() === 0 ? postgresUser() : undefined;
  if (owner) for (const file of [dir, iniFile, authFile, logfile]) chownSync(file, owner.uid, owner.gid);
  const child: ChildProcess = spawn(PGBOUNCER_BINARY, [iniFile], {
    stdio: ["ignore", "ignore", "pipe"],
    ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const log = () => `${existsSync(logfile) ? readFileSync(logfile, "utf8") : ""}${stderr}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await listening(port, () => child.exitCode !== null);
  } catch (error) {
    const text = log();
    await stop();
    throw new Error(`pgbouncer did not start: ${(error as Error).message}\n${text}`);
  }
  return { port, ini, log, stop };
}

function postgresUser(): { uid: number; gid: number } {
  const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  return { uid, gid };
}

async function listening(port: number, exited: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (exited()) throw new Error("the process exited");
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after 10 s`);
}
