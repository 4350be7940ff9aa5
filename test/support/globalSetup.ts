// Before any test file runs: tools/run.cjs's transpiled copy of the sources, built once. Each file that spawns
// tools would otherwise build the same copy at the same time after an edit.
import { transpiledCopy } from "./runTool";

export default function buildTranspiledCopy(): void {
  transpiledCopy();
}
