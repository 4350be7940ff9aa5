// The policy pack's own process, started by the gate (policyPackServer.ts) in the pack's directory:
//   node tools/run.cjs tools/lib/policyPackRunner.ts <engine address> <compiled pack entry>
// It runs the pack with @pulumi/pulumi's run-policy-pack, the runner the CLI starts, called as the runner's own
// entry calls it under Bun: with its TypeScript registration off, since the gate hands it a pack already
// type-checked and compiled (compiledPack.ts), and without the debugger session its entry opens for closure
// serialization, which a policy pack never does and which slows every module loaded after it.
import * as path from "node:path";

interface PolicyPackRun {
  run: (options: {
    argv: { _: string[] };
    programStarted: () => void;
    reportLoggedError: (error: unknown) => void;
    typeScript: boolean;
  }) => Promise<void>;
}

/** The exit code the runner's entry gives for a failure it has already reported (cmd/run-policy-pack/index.js). */
const EXIT_AFTER_REPORTED_ERROR = 32;

function runPack(entry: string): void {
  const runner = path.dirname(require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [process.cwd()] }));
  /* eslint-disable @typescript-eslint/no-require-imports -- the runner's own modules, from where it is installed */
  require(require.resolve("source-map-support/register", { paths: [runner] }));
  // As the runner's entry does: an uncaught error never ends the process with 0, whether or not it was reported.
  const uncaught = new Set<unknown>();
  const reported = new Set<unknown>();
  let running = false;
  const onUncaught = (error: unknown) => {
    uncaught.add(error);
    const shown = error as { stack?: string; message?: string }; // `||`, and what it prints, as the entry has them
    if (!running) console.error(shown.stack || shown.message || "" + (error as string));
  };
  process.on("uncaughtException", onUncaught);
  process.on("unhandledRejection", onUncaught);
  process.on("exit", (code) => {
    if (code !== 0 || uncaught.size === 0) return;
    process.exitCode = [...uncaught].every((error) => reported.has(error)) ? EXIT_AFTER_REPORTED_ERROR : 1;
  });
  const { run } = require(path.join(runner, "run")) as PolicyPackRun;
  /* eslint-enable @typescript-eslint/no-require-imports */
  void run({
    argv: { _: [entry] },
    programStarted: () => (running = true),
    reportLoggedError: (error) => reported.add(error),
    typeScript: false,
  }).then(() => (running = false));
}

if (require.main === module) {
  const entry = process.argv[3];
  if (!entry) {
    process.stderr.write("usage: policyPackRunner <engine address> <compiled pack entry>\n");
    process.exit(2);
  }
  runPack(entry);
}
