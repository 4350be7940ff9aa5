// tools/run.cjs runs a project's TypeScript file with plain node from a transpiled copy: the copy follows
// every edit, the file runs as the main module with its arguments, and a wrong file is refused in one line.
import { execFile, execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import * as path from "node:path";
import { afterAll, expect, test } from "vitest";
import { PROJECT_ROOT } from "../../tools/lib/projectRoot";
import { RUNNER } from "../support/runTool";

// Inside the project, so the copy's launcher finds esbuild in the project's node_modules.
const scratch = path.join(PROJECT_ROOT, "node_modules", ".cache", "fleetdb-run-test");
mkdirSync(scratch, { recursive: true });
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

/** A small project with the launcher: src/greeting.ts says `word`, tools/hello.ts prints it and its args. */
function project(word: string): string {
  const dir = mkdtempSync(path.join(scratch, "project-"));
  made.push(dir);
  for (const sub of ["tools", "src"]) mkdirSync(path.join(dir, sub));
  copyFileSync(RUNNER, path.join(dir, "tools", "run.cjs"));
  copyFileSync(path.join(path.dirname(RUNNER), "deferredModules.cjs"), path.join(dir, "tools", "deferredModules.cjs"));
  writeFileSync(path.join(dir, "package.json"), '{ "name": "scratch", "private": true }\n');
  writeFileSync(path.join(dir, "tsconfig.json"), '{ "compilerOptions": { "strict": true } }\n');
  greet(dir, word);
  writeFileSync(
    path.join(dir, "tools", "hello.ts"),
    [
      'import { greeting } from "../src/greeting";',
      "const main: boolean = require.main === module;",
      'process.stdout.write(`${greeting} ${process.argv.slice(2).join(",")} main=${main}\\n`);',
    ].join("\n"),
  );
  return dir;
}

function greet(dir: string, word: string): void {
  writeFileSync(path.join(dir, "src", "greeting.ts"), `export const greeting: string = ${JSON.stringify(word)};\n`);
}

function run(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [path.join(dir, "tools", "run.cjs"), ...args], { cwd: dir }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    ),
  );
}

const trees = (dir: string) => readdirSync(path.join(dir, "node_modules", ".cache", "fleetdb-tools")).sort();

test("runs the file as the main module with its arguments, and follows an edit to a file it imports", async () => {
  const dir = project("hello");
  expect(await run(dir, ["tools/hello.ts", "a", "--b"])).toEqual({
    code: 0,
    stdout: "hello a,--b main=true\n",
    stderr: "",
  });
  const first = trees(dir);
  expect(first).toHaveLength(1);

  expect((await run(dir, ["tools/hello.ts"])).stdout).toBe("hello  main=true\n");
  expect(trees(dir)).toEqual(first); // unchanged sources: the same copy

  greet(dir, "bonjour");
  expect((await run(dir, ["tools/hello.ts"])).stdout).toBe("bonjour  main=true\n");
  expect(trees(dir)).toHaveLength(2);
});

test("a source that does not parse: exit 1, esbuild's message and one line, nothing run", async () => {
  const dir = project("fine");
  writeFileSync(path.join(dir, "src", "greeting.ts"), "export const greeting: string = ;\n");
  const result = await run(dir, ["tools/hello.ts"]);
  expect(result.code).toBe(1);
  expect(result.stdout).toBe("");
  expect(result.stderr).toContain("src/greeting.ts:1:");
  expect(result.stderr.trim().split("\n").at(-1)).toBe(
    "error: the project's TypeScript does not compile; nothing was run",
  );
});

test("a copy unused for a day goes when another is built; the one just used stays", async () => {
  const dir = project("one");
  await run(dir, ["tools/hello.ts"]);
  const [old] = trees(dir);
  const marker = path.join(dir, "node_modules", ".cache", "fleetdb-tools", old, ".complete");
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
  utimesSync(marker, twoDaysAgo, twoDaysAgo);

  greet(dir, "two");
  await run(dir, ["tools/hello.ts"]);
  expect(trees(dir)).toHaveLength(1);
  expect(existsSync(marker)).toBe(false);

  greet(dir, "three");
  await run(dir, ["tools/hello.ts"]);
  expect(trees(dir)).toHaveLength(2);
});

test("no file, not TypeScript, outside the project, missing or a test: exit 2 and one line", async () => {
  const dir = project("x");
  expect(await run(dir, [])).toEqual({
    code: 2,
    stdout: "",
    stderr: "usage: node tools/run.cjs <file.ts> [arguments…]\n",
  });
  expect(await run(dir, ["package.json"])).toMatchObject({ code: 2, stdout: "" });
  expect(await run(dir, [path.join(PROJECT_ROOT, "index.ts")])).toEqual({
    code: 2,
    stdout: "",
    stderr: `error: ${path.join(PROJECT_ROOT, "index.ts")}: not one of this project's TypeScript sources (tests run under vitest)\n`,
  });
  expect(await run(dir, ["tools/missing.ts"])).toEqual({
    code: 2,
    stdout: "",
    stderr: "error: tools/missing.ts: not one of this project's TypeScript sources (tests run under vitest)\n",
  });
  writeFileSync(path.join(dir, "tools", "hello.test.ts"), "");
  expect(await run(dir, ["tools/hello.test.ts"])).toMatchObject({ code: 2, stdout: "" });
});

test("the sources find the project's files through PROJECT_ROOT: their own __dirname is the transpiled copy's", () => {
  // Where __dirname is meant: the copy itself, or a program transpiled beside the module that loads it.
  const allowed = new Set(["tools/lib/projectRoot.ts", "tools/lib/mockRuntime.ts", "test/support/crashReport.ts"]);
  const files = execFileSync("git", ["ls-files", "*.ts"], { cwd: PROJECT_ROOT, encoding: "utf8" })
    .split("\n")
    .filter((file) => file && !file.endsWith(".test.ts") && !file.startsWith("policies/node_modules/"));
  const users = files.filter((file) =>
    /__dirname|__filename/.test(readFileSync(path.join(PROJECT_ROOT, file), "utf8")),
  );
  expect(users.filter((file) => !allowed.has(file))).toEqual([]);
});
