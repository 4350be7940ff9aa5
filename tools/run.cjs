// Runs one of the project's TypeScript files (a tool, a benchmark) with plain node: the project's sources are
// transpiled once per content into node_modules/.cache, so a run pays neither a TypeScript loader's hooks on
// every module it loads (the Pulumi SDKs are hundreds) nor a transpile.   node tools/run.cjs <file.ts> [args…]
// @ts-check
"use strict";
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const v8 = require("node:v8");
const { deferSdkModules } = require("./deferredModules.cjs");

const ROOT = path.resolve(__dirname, "..");
/** What is transpiled: everything a tool, benchmark or helper script can load; tests are vitest's. */
const SOURCES = ["index.ts", "components", "resources", "src", "tools", "policies", "bench", "test"];
/** Besides the sources and every tsconfig.json among them, what the output depends on. */
const SETTINGS = ["package.json", __filename, require.resolve("esbuild/package.json")];
/**
 * How far V8 lets a tool's heap grow past what a full collection kept, in percent (V8 allows up to 300% while
 * collections are cheap). A program run under mocks builds every resource before any registration completes:
 * the pending state, garbage a moment later, then fills all that room before a collection comes back.
 */
const HEAP_GROWTH_PERCENT = 60;
/** A copy unused this long is removed when another is built (one in use by a running tool stays). */
const STALE_MS = 24 * 60 * 60 * 1000;

/** The TypeScript sources in a stable order, without node_modules and test files. */
function sourceFiles() {
  /** @type {(relative: string) => string[]} */
  const walk = (relative) => {
    const full = path.join(ROOT, relative);
    if (!fs.existsSync(full)) return [];
    if (!fs.statSync(full).isDirectory()) return [relative];
    return fs
      .readdirSync(full, { withFileTypes: true })
      .filter((entry) => entry.name !== "node_modules")
      .flatMap((entry) => {
        const child = path.join(relative, entry.name);
        if (entry.isDirectory()) return walk(child);
        return /\.ts$/.test(entry.name) && !/\.(test|d)\.ts$/.test(entry.name) ? [child] : [];
      });
  };
  return SOURCES.flatMap(walk).sort();
}

/**
 * Every tsconfig.json esbuild may read for `files` (the nearest one above each file).
 * @param {string[]} files
 */
function tsconfigFiles(files) {
  /** @type {Set<string>} */
  const found = new Set();
  const dirs = new Set(files.map((file) => path.dirname(file)));
  for (const dir of dirs)
    for (let current = dir; ; current = path.dirname(current)) {
      if (fs.existsSync(path.join(ROOT, current, "tsconfig.json"))) found.add(path.join(current, "tsconfig.json"));
      if (current === "." || current === "") break;
    }
  return [...found].sort();
}

/**
 * The transpiled tree for the current sources: built (and older unused trees removed) when missing. Throws
 * esbuild's error (already printed) when a source does not parse.
 */
function compiledTree(files = sourceFiles()) {
  const cache = path.join(ROOT, "node_modules", ".cache", "fleetdb-tools");
  const hash = createHash("sha256").update(process.version).update("\0");
  for (const file of [...SETTINGS, ...tsconfigFiles(files), ...files])
    hash
      .update(file)
      .update("\0")
      .update(fs.readFileSync(path.resolve(ROOT, file)))
      .update("\0");
  const tree = path.join(cache, hash.digest("hex").slice(0, 24));
  const complete = path.join(tree, ".complete");
  if (fs.existsSync(complete)) {
    fs.utimesSync(complete, new Date(), new Date());
    return tree;
  }
  const staging = `${tree}.${process.pid}.tmp`;
  process.once("exit", () => fs.rmSync(staging, { recursive: true, force: true }));
  require("esbuild").buildSync({
    absWorkingDir: ROOT,
    entryPoints: files,
    outdir: staging,
    outbase: ROOT,
    format: "cjs",
    platform: "node",
    target: `node${process.versions.node}`,
    sourcemap: "inline",
    logLevel: "error",
  });
  fs.writeFileSync(path.join(staging, ".complete"), "");
  try {
    fs.renameSync(staging, tree);
  } catch {
    // Another run built the same sources at the same time: its copy is as good as ours.
    fs.rmSync(staging, { recursive: true, force: true });
  }
  for (const entry of fs.readdirSync(cache)) {
    const marker = path.join(cache, entry, ".complete");
    if (entry !== path.basename(tree) && fs.existsSync(marker) && Date.now() - fs.statSync(marker).mtimeMs > STALE_MS)
      fs.rmSync(path.join(cache, entry), { recursive: true, force: true });
  }
  return tree;
}

/**
 * Runs `target` (a path to one of the sources) from the transpiled tree as the main module, with `args`.
 * @param {string | undefined} target
 * @param {string[]} args
 */
function run(target, args) {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWTH_PERCENT}`);
  if (!target || !/\.ts$/.test(target)) {
    process.stderr.write("usage: node tools/run.cjs <file.ts> [arguments…]\n");
    process.exit(2);
  }
  const relative = path.relative(ROOT, path.resolve(target));
  const files = sourceFiles();
  if (!files.includes(relative)) {
    process.stderr.write(`error: ${target}: not one of this project's TypeScript sources (tests run under vitest)\n`);
    process.exit(2);
  }
  let tree;
  try {
    tree = compiledTree(files);
  } catch {
    // esbuild has printed where: as pulumi preview refuses a program or pack that does not compile.
    process.stderr.write("error: the project's TypeScript does not compile; nothing was run\n");
    process.exit(1);
  }
  // Frames mapped to the TypeScript sources on request: mapping costs every loaded module a look for its map.
  if (process.env.FLEETDB_PROGRAM_STACKS === "1") process.setSourceMapsEnabled(true);
  deferSdkModules(ROOT);
  process.argv = [process.argv[0], path.join(tree, relative.replace(/\.ts$/, ".js")), ...args];
  Module.runMain();
}

if (require.main === module) run(process.argv[2], process.argv.slice(3));

module.exports = { compiledTree };
