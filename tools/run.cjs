// Runs one of the project's TypeScript files (a tool, a benchmark) with plain node: the project's sources are
// transpiled once per content into node_modules/.cache, so a run pays neither a TypeScript loader's hooks on
// every module it loads (the Pulumi SDKs are hundreds) nor a transpile.   node tools/run.cjs <file.ts> [args…]
// @ts-check
"use strict";
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
/** What is transpiled: everything a tool, benchmark or helper script can load; tests are vitest's. */
const SOURCES = ["index.ts", "components", "resources", "src", "tools", "policies", "bench", "test"];
/** Files whose content changes the output besides the sources. */
const SETTINGS = ["tsconfig.json", "package.json", require.resolve("esbuild/package.json")];
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

/** The transpiled tree for the current sources: built (and older unused trees removed) when missing. */
function compiledTree() {
  const cache = path.join(ROOT, "node_modules", ".cache", "fleetdb-tools");
  const files = sourceFiles();
  const hash = createHash("sha256");
  for (const file of [...SETTINGS, ...files])
    hash
      .update(file)
      .update("\0")
      .update(fs.readFileSync(path.resolve(ROOT, file)));
  const tree = path.join(cache, hash.digest("hex").slice(0, 24));
  const complete = path.join(tree, ".complete");
  if (fs.existsSync(complete)) {
    fs.utimesSync(complete, new Date(), new Date());
    return tree;
  }
  const staging = `${tree}.${process.pid}.tmp`;
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

const [target, ...args] = process.argv.slice(2);
if (!target || !/\.ts$/.test(target)) {
  process.stderr.write("usage: node tools/run.cjs <file.ts> [arguments…]\n");
  process.exit(2);
}
const relative = path.relative(ROOT, path.resolve(target));
if (relative.startsWith("..") || !fs.existsSync(path.join(ROOT, relative))) {
  process.stderr.write(`error: ${target}: not a TypeScript file of this project\n`);
  process.exit(2);
}
// Frames mapped to the TypeScript sources on request: mapping costs every loaded module a look for its map.
if (process.env.FLEETDB_PROGRAM_STACKS === "1") process.setSourceMapsEnabled(true);
const entry = path.join(compiledTree(), relative.replace(/\.ts$/, ".js"));
process.argv = [process.argv[0], entry, ...args];
Module.runMain();
