// Where the project lives, for the tools and tests that find its files (index.ts, Pulumi.<stack>.yaml, policies/).
import { existsSync } from "node:fs";
import * as path from "node:path";

/**
 * The nearest directory above this module with the project's Pulumi.yaml: the sources' root, also when the
 * module runs from the transpiled copy tools/run.cjs keeps under node_modules/.cache.
 */
function projectRoot(): string {
  for (let dir = path.resolve(__dirname, "..", ".."); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no Pulumi.yaml above ${__dirname}`);
  }
}

export const PROJECT_ROOT = projectRoot();

/**
 * The transpiled copy of the sources this module runs from (tools/run.cjs builds it and marks it complete),
 * or undefined when it runs from the TypeScript sources themselves (under the test runner).
 */
export const TRANSPILED_COPY: string | undefined = existsSync(path.resolve(__dirname, "..", "..", ".complete"))
  ? path.resolve(__dirname, "..", "..")
  : undefined;
