// Test helpers: the real stack files as config values, and the problems a changed copy is rejected with.
import { ConfigError, namespaceValues, parseStackConfig } from "../../src/config/load";
import { readStackFile, stackFilePath } from "../../tools/lib/stackFile";

/** The `fleetdb:` values of Pulumi.<stack>.yaml, as a fresh mutable object. */
export function stackValues(stack: string): Record<string, any> {
  const file = readStackFile(stackFilePath(stack));
  return structuredClone(namespaceValues(file.config, (key) => file.secretKeys.includes(key))) as Record<string, any>;
}

/** The prod values with `change` applied. */
export function prodWith(change: (values: Record<string, any>) => void): Record<string, any> {
  const values = stackValues("prod");
  change(values);
  return values;
}

/** The problems ConfigError lists for `values`, or [] when they are valid. */
export function problemsOf(values: Record<string, unknown>): string[] {
  try {
    parseStackConfig(values);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}
