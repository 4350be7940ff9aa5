// One image-reference parser for the config schema and pinned-db-image: one table of cases, both run it.
import { describe, expect, test } from "vitest";
import { parseImageReference, unpinnedReason } from "../../policies/core/imageReference";
import { imageProblem } from "../../src/config/imageRules";

const DIGEST = `sha256:${"a".repeat(64)}`;

// reference, what the schema says for postgresMajorVersion 16 (undefined: accepted), what the policy says.
const CASES: [string, string | undefined, string | undefined][] = [
  ["timescale/timescaledb:2.26.0-pg16", undefined, undefined],
  [`timescale/timescaledb:2.26.0-pg16@${DIGEST}`, undefined, undefined],
  [`timescale/timescaledb@${DIGEST}`, undefined, undefined],
  ["registry:5000/timescale/timescaledb:2.26.0-pg16", undefined, undefined],
  ["registry.example.com:5000/team/timescaledb:2.26.0-pg16", undefined, undefined],
  ["localhost/timescaledb:2.26.0-pg16", undefined, undefined],
  [
    "timescale/timescaledb",
    'expected an image pinned to a version such as timescale/timescaledb:2.26.0-pg16 (or a digest): "timescale/timescaledb" has no tag, which means latest',
    "has no tag, which means latest",
  ],
  [
    "registry:5000/timescale/timescaledb",
    'expected an image pinned to a version such as timescale/timescaledb:2.26.0-pg16 (or a digest): "registry:5000/timescale/timescaledb" has no tag, which means latest',
    "has no tag, which means latest",
  ],
  [
    "timescale/timescaledb:latest-pg16",
    'expected an image pinned to a version such as timescale/timescaledb:2.26.0-pg16 (or a digest): "timescale/timescaledb:latest-pg16" uses the moving tag latest-pg16',
    "uses the moving tag latest-pg16",
  ],
  [
    "timescale/timescaledb:pg16",
    'expected an image pinned to a version such as timescale/timescaledb:2.26.0-pg16 (or a digest): "timescale/timescaledb:pg16" uses the tag pg16, which names no version',
    "uses the tag pg16, which names no version",
  ],
  [
    "timescale/timescaledb:2.26.0-pg17",
    'the tag "2.26.0-pg17" runs PostgreSQL 17 but postgresMajorVersion is 16',
    undefined,
  ],
  [
    "Timescale/TimescaleDB:2.26.0-pg16",
    'expected an image reference such as timescale/timescaledb:2.26.0-pg16[@sha256:<digest>], got "Timescale/TimescaleDB:2.26.0-pg16"',
    "is not a valid image reference ([registry[:port]/]name[:tag][@sha256:<digest>])",
  ],
  [
    "timescale/timescaledb:2.26.0-pg16@sha256:short",
    'expected an image reference such as timescale/timescaledb:2.26.0-pg16[@sha256:<digest>], got "timescale/timescaledb:2.26.0-pg16@sha256:short"',
    "is not a valid image reference ([registry[:port]/]name[:tag][@sha256:<digest>])",
  ],
];

describe.each(CASES)("%s", (reference, schema, policy) => {
  test("the config schema", () => expect(imageProblem(reference, 16)).toBe(schema));
  test("pinned-db-image", () => expect(unpinnedReason(reference)).toBe(policy));
  test("they agree: what the schema accepts, the policy passes", () => {
    if (schema === undefined) expect(policy).toBeUndefined();
  });
});

test("a registry with a port is a registry, not a tag", () => {
  expect(parseImageReference("registry:5000/timescale/timescaledb:2.26.0-pg16")).toEqual({
    domain: "registry:5000",
    path: "timescale/timescaledb",
    tag: "2.26.0-pg16",
    digest: undefined,
  });
});
