// What the mock runtime answers for the resources whose outputs a provider computes (passwords, salts, image ids).
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { TYPES } from "../../policies/core/resourceTypes";

/** A deterministic mock password holding every URL delimiter, so URL encoding is always exercised. */
export function mockPassword(name: string): string {
  return `mock@pa:ss/w#rd%?&=+ ${name}`;
}

/** What the providers would compute; absent at preview, as on a real first preview. */
export function computedOutputs(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  override:
    ((type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown> | undefined) | undefined,
): Record<string, unknown> {
  const custom = override?.(type, name, inputs);
  if (custom) return custom;
  const digest = createHash("sha256").update(name).digest();
  switch (type) {
    case TYPES.randomPassword:
      return { result: pulumi.secret(mockPassword(name)), bcryptHash: pulumi.secret("$2a$10$mock") };
    case TYPES.randomBytes:
      return {
        base64: pulumi.secret(digest.subarray(0, 16).toString("base64")),
        hex: pulumi.secret(digest.subarray(0, 16).toString("hex")),
      };
    case TYPES.remoteImage:
      return {
        imageId: `sha256:${digest.toString("hex")}`,
        repoDigest: `${String(inputs.name)}@sha256:${digest.toString("hex")}`,
      };
    default:
      return {};
  }
}
