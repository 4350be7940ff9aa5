// Run through tools/run.cjs by test/unit/deferredModules.test.ts: which of the modules the launcher defers are
// loaded once the Pulumi SDK is, and after each use of them (serializing a function, computing code paths).
import * as pulumi from "@pulumi/pulumi";

/** A file of each deferred module that only loading it for real brings into require's cache. */
const REAL_FILES = {
  typescript: /node_modules\/typescript\/lib\/typescript\.js$/,
  arborist: /node_modules\/@npmcli\/arborist\/lib\/arborist\/index\.js$/,
  normalizePackageData: /node_modules\/normalize-package-data\/lib\/fixer\.js$/,
};

function loaded(): string[] {
  const files = Object.keys(require.cache);
  return Object.entries(REAL_FILES)
    .filter(([, file]) => files.some((name) => file.test(name)))
    .map(([name]) => name);
}

async function main(): Promise<void> {
  const atStart = loaded();
  const answer = 6 * 7;
  const serialized = await pulumi.runtime.serializeFunction(() => answer);
  const afterSerializing = loaded();
  const codePaths = await pulumi.runtime.computeCodePaths();
  const afterCodePaths = loaded();
  process.stdout.write(
    `${JSON.stringify({ atStart, text: serialized.text, afterSerializing, codePaths: [...codePaths.keys()], afterCodePaths })}\n`,
  );
}

if (require.main === module) void main();
