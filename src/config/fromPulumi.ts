// Reads the stack's `fleetdb:` config from the Pulumi runtime and validates it before any resource exists.
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, namespaceValues, parseStackConfig } from "./load";
import type { StackConfig } from "./schema";

/** Keys whose values are secrets: validated, never echoed, handed on only as secret Outputs. */
export const SECRET_KEYS: ReadonlySet<string> = new Set(["superuserPassword"]);

export interface LoadedConfig {
  config: StackConfig;
  /** The current superuser password from config, when the data volume already exists (a secret). */
  superuserPassword: pulumi.Output<string> | undefined;
}

/** Validates every `fleetdb:` key; throws ConfigError (naming each bad key) before the program declares anything. */
export function loadStackConfig(): LoadedConfig {
  const config = parseStackConfig(namespaceValues(pulumi.runtime.allConfig(), SECRET_KEYS), SECRET_KEYS);
  const secrets = new pulumi.Config(CONFIG_NAMESPACE);
  return { config, superuserPassword: secrets.getSecret("superuserPassword") };
}
