// pinned-db-image: the database image is an explicit version, not a moving tag.
//
// Why: `latest` (or no tag) changes under you: a pull can bring a new PostgreSQL major that refuses
// the data directory, or a TimescaleDB version the databases were not updated to. A digest is better
// still: a tag can be re-pushed.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { unpinnedReason } from "./core/imageReference";
import { resourceOfType } from "./core/resourceOfType";
import { TYPES } from "./core/resourceTypes";

export const pinnedDbImage: ResourceValidationPolicy = {
  name: "pinned-db-image",
  description: "Docker images are pinned to a version tag (not latest); a digest is better.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps:
    "Use an explicit version tag such as timescale/timescaledb:2.26.0-pg16, ideally with @sha256:<digest> (docker buildx imagetools inspect <image>).",
  validateResource: resourceOfType(TYPES.remoteImage, (props, args, report) => {
    const reference = String(props.name);
    const reason = unpinnedReason(reference);
    if (reason) report(`image ${args.name} (${reference}) ${reason}: pin a version tag, ideally a digest`);
  }),
};
