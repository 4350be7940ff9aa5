// The gate encodes AnalyzeStack one resource at a time (policyEngine.stackRequestBytes): the bytes must be
// those of the whole request as google-protobuf serializes it, which is what the pack decodes.
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import { expect, test } from "vitest";
import { stackRequestBytes, stackResource } from "../../tools/lib/policyEngine";
import { runStack } from "../support/programRun";

test("prod's AnalyzeStack request, encoded per resource, is byte for byte the whole request's serializeBinary", async () => {
  const run = await runStack("prod");
  const whole = new analyzerproto.AnalyzeStackRequest();
  whole.setResourcesList(run.resources.map((resource) => stackResource(resource, run.resources)));

  const bytes = stackRequestBytes(run);
  expect(run.resources.length).toBeGreaterThan(100);
  expect(Buffer.from(bytes).equals(Buffer.from(whole.serializeBinary()))).toBe(true);
  const decoded = analyzerproto.AnalyzeStackRequest.deserializeBinary(bytes);
  expect(decoded.getResourcesList().map((resource) => resource.getUrn())).toEqual(run.resources.map((r) => r.urn));
  expect(decoded.toObject()).toEqual(whole.toObject());
}, 60_000);
