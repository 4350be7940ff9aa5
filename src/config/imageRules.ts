// Which server images the config accepts: pinned to a version of the configured PostgreSQL major.
import { parseImageReference, tagPostgresMajor, unpinnedReason } from "../../policies/core/imageReference";

/** Why an image reference is not pinned to a version of `major`, or undefined. Shares its parser with pinned-db-image. */
export function imageProblem(image: string, major: number): string | undefined {
  const example = `timescale/timescaledb:2.26.0-pg${major}`;
  const parsed = parseImageReference(image);
  if (!parsed) return `expected an image reference such as ${example}[@sha256:<digest>], got "${image}"`;
  const unpinned = unpinnedReason(image);
  if (unpinned) return `expected an image pinned to a version such as ${example} (or a digest): "${image}" ${unpinned}`;
  const tagged = tagPostgresMajor(parsed);
  if (tagged !== undefined && tagged !== major) {
    return `the tag "${parsed.tag}" runs PostgreSQL ${tagged} but postgresMajorVersion is ${major}`;
  }
  return undefined;
}
