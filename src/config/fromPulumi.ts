// Reads the stack's `fleetdb:` config from the Pulumi runtime and validates it before any resource exists.
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, namespaceValues, parseStackConfig } from "./load";
import type { StackConfig } from "./schema";

export { SECRET_KEYS } from "./load";

export interface LoadedConfig {
  config: StackConfig;
  /** The current superuser password from config, when the data volume already exists (a secret). */
  superuserPassword: pulumi.Output<string> | undefined;
  /** Mode external: the admin login's password (fleetdb:adminPassword, a secret; the schema requires it there). */
  adminPassword: pulumi.Output<string> | undefined;
}

/** The SDK's own record of which config keys arrived as secrets (exported by its runtime, not typed). */
const isConfigSecret = (key: string): boolean =>
  (pulumi.runtime as unknown as { isConfigSecret(key: string): boolean }).isConfigSecret(key);

/** Validates every `fleetdb:` key; throws ConfigError (naming each bad key) before the program declares anything. */
export function loadStackConfig(): LoadedConfig {
  const config = parseStackConfig(namespaceValues(pulumi.runtime.allConfig(), isConfigSecret));
  const secrets = new pulumi.Config(CONFIG_NAMESPACE);
  return {
    config,
    superuserPassword: secrets.getSecret("superuserPassword"),
    adminPassword: secrets.getSecret("adminPassword"),
  };
}
