// The policy pack compiled once per content: type-checked as the CLI's ts-node would (so a pack with a type
// error still fails the gate), then run as JavaScript, so each gate run does not pay for the type check again.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import * as path from "node:path";
import type * as TypeScript from "typescript";
import { PROJECT_ROOT } from "./projectRoot";

/** The pack does not compile: the CLI would refuse it the same way ("Unable to compile TypeScript"). */
export class PackTypeError extends Error {
  constructor(readonly diagnostics: string[]) {
    super(`the policy pack does not compile:\n${diagnostics.map((line) => `  ${line}`).join("\n")}`);
    this.name = "PackTypeError";
  }
}

/** The pack's TypeScript sources and configuration, in a stable order. */
function packFiles(packDir: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === "node_modules" ? [] : walk(full);
      return /\.ts$|^tsconfig\.json$|^package\.json$/.test(entry.name) ? [full] : [];
    });
  return walk(packDir).sort();
}

/**
 * The compiled entry (index.js) for the pack in `packDir`, from a cache keyed by the sources' content and
 * the compiler's version; compiled and type-checked (with the pack's own tsconfig) when missing.
 */
export function compiledPack(
  packDir: string,
  cacheRoot = path.join(PROJECT_ROOT, "node_modules", ".cache", "fleetdb-pack"),
): string {
  const files = packFiles(packDir);
  // The compiler's version from its manifest: loading the compiler itself is for a cache miss only.
  const hash = createHash("sha256").update(compilerVersion());
  for (const file of files)
    hash.update(path.relative(packDir, file)).update("\0").update(readFileSync(file)).update("\0");
  const target = path.join(cacheRoot, hash.digest("hex").slice(0, 24));
  const entry = path.join(target, "index.js");
  if (existsSync(entry)) return entry;

  refuseAsTheCliRunnerWould(packDir);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on a cache miss only
  const ts = require("typescript") as typeof TypeScript;

  const configFile = ts.readConfigFile(path.join(packDir, "tsconfig.json"), (file) => ts.sys.readFile(file));
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, packDir);
  const staging = `${target}.${process.pid}.tmp`;
  const program = ts.createProgram(parsed.fileNames, {
    ...parsed.options,
    outDir: staging,
    noEmit: false,
    rootDir: packDir,
    sourceMap: true,
  });
  const emitted = program.emit();
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  if (diagnostics.length > 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new PackTypeError(
      diagnostics.map((diagnostic) =>
        ts
          .formatDiagnostic(diagnostic, {
            getCanonicalFileName: (name) => name,
            getCurrentDirectory: () => packDir,
            getNewLine: () => "",
          })
          .trim(),
      ),
    );
  }
  mkdirSync(cacheRoot, { recursive: true });
  try {
    renameSync(staging, target);
  } catch {
    // Another gate compiled the same sources at the same time: its copy is as good as ours.
    rmSync(staging, { recursive: true, force: true });
  }
  return entry;
}

/** The compiler's and ts-node's versions, from their manifests (the compilers load on a cache miss only). */
function compilerVersion(): string {
  const version = (manifest: string) => (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
  const typescript = path.join(path.dirname(require.resolve("typescript")), "..", "package.json");
  return `typescript ${version(typescript)}, ts-node ${version(require.resolve("ts-node/package.json"))}`;
}

interface PulumiTsUtils {
  typeScriptRequireStrings(): { typescriptRequire: string; tsnodeRequire: string };
  loadTypeScriptCompilerOptions(tsConfigPath: string): Record<string, unknown>;
}
interface TsNode {
  create(options: Record<string, unknown>): unknown;
}

/**
 * What run-policy-pack does before it loads a TypeScript pack (cmd/run-policy-pack/run.js): it registers
 * ts-node with its own defaults under the pack's compiler options, and ts-node refuses a configuration with
 * errors (an unknown option, a module setting those defaults make invalid). The gate's runner skips that
 * registration for the compiled pack, so the same registration is made here, once per content.
 */
function refuseAsTheCliRunnerWould(packDir: string): void {
  /* eslint-disable @typescript-eslint/no-require-imports -- the runner's own helpers and compilers, on a miss */
  const tsutils = require("@pulumi/pulumi/tsutils") as PulumiTsUtils;
  const { typescriptRequire, tsnodeRequire } = tsutils.typeScriptRequireStrings();
  const ts = require(typescriptRequire) as typeof TypeScript;
  const tsNode = require(tsnodeRequire) as TsNode;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const tsConfigPath = path.join(packDir, "tsconfig.json");
  const [major, minor] = ts.versionMajorMinor.split(".").map(Number);
  const nodeNext = major > 4 || (major === 4 && minor >= 7); // as the runner: nodenext from TypeScript 4.7
  try {
    tsNode.create({
      cwd: packDir,
      typeCheck: true,
      skipProject: !existsSync(tsConfigPath),
      compiler: typescriptRequire,
      compilerOptions: {
        target: "ES2020",
        module: nodeNext ? "nodenext" : "commonjs",
        moduleResolution: nodeNext ? "nodenext" : "node",
        sourceMap: "true",
        ...tsutils.loadTypeScriptCompilerOptions(tsConfigPath),
      },
    });
  } catch (error) {
    const diagnosticText = (error as { name?: string; diagnosticText?: string }).diagnosticText;
    if ((error as Error).name !== "TSError" || diagnosticText === undefined) throw error;
    throw new PackTypeError(diagnosticText.split("\n").filter((line) => line.trim() !== ""));
  }
}
