// The real preview's verdict beside the gate's, on recorded output: engine events in the shape of
// pulumi's apitype/events.go (no real preview runs here), and the gate's own --json.
import { describe, expect, test } from "vitest";
import { verdictDifferences, verdictsFromEventLog, verdictsFromGate } from "../../tools/lib/previewVerdict";
import { declaredLabels, findings } from "../../tools/lintWorkflows";

const PACK = "fleetdb-guardrails";
const policyEvent = (policyName: string, enforcementLevel: string, policyPackName = PACK) =>
  JSON.stringify({
    sequence: 7,
    timestamp: 1764547200,
    policyEvent: {
      resourceUrn: "urn:pulumi:prod::fleetdb::docker:index/container:Container::timescale-container",
      message: "…",
      color: "raw",
      policyName,
      policyPackName,
      policyPackVersion: "0.1.0",
      policyPackVersionTag: "0.1.0",
      enforcementLevel,
    },
  });
const LOG = [
  JSON.stringify({ sequence: 1, timestamp: 1764547200, preludeEvent: { config: {} } }),
  policyEvent("no-public-db-port", "mandatory"),
  policyEvent("pinned-db-image", "warning"),
  policyEvent("some-other-pack-policy", "mandatory", "another-pack"),
  JSON.stringify({
    sequence: 9,
    timestamp: 1764547201,
    summaryEvent: {
      maybeCorrupt: false,
      durationSeconds: 3,
      resourceChanges: {},
      PolicyPacks: { [PACK]: "v0.1.0" },
      isPreview: true,
    },
  }),
].join("\n");

const gate = (violations: Record<string, string[]>) => ({
  pack: { name: PACK, version: "0.1.0" },
  policies: ["no-superuser-app-roles", "no-public-db-port", "pinned-db-image"].map((name) => ({
    name,
    violations: (violations[name] ?? []).map((level) => ({ level, message: "…" })),
  })),
});

describe("the two verdicts", () => {
  test("agree: the same policies violated at the same levels", () => {
    const offline = verdictsFromGate(gate({ "no-public-db-port": ["mandatory"], "pinned-db-image": ["advisory"] }));
    expect(verdictDifferences(offline, verdictsFromEventLog(LOG, PACK, [...offline.keys()]))).toEqual([]);
  });

  test("disagree when the gate misses a violation the engine reports", () => {
    const offline = verdictsFromGate(gate({ "pinned-db-image": ["advisory"] }));
    expect(verdictDifferences(offline, verdictsFromEventLog(LOG, PACK, [...offline.keys()]))).toEqual([
      "no-public-db-port: the gate reports no violation, pulumi preview 1 violation (failing)",
    ]);
  });

  test("disagree when the level differs", () => {
    const offline = verdictsFromGate(gate({ "no-public-db-port": ["advisory"], "pinned-db-image": ["advisory"] }));
    expect(verdictDifferences(offline, verdictsFromEventLog(LOG, PACK, [...offline.keys()]))).toEqual([
      "no-public-db-port: the gate reports 1 violation (advisory), pulumi preview 1 violation (failing)",
    ]);
  });

  test("a broken event log or gate report is said so", () => {
    expect(() => verdictsFromEventLog("{not json", PACK, [])).toThrow("event log line 1 is not JSON");
    expect(() => verdictsFromGate({ stack: "prod" })).toThrow("not a gate --json report: it has no policies list");
  });
});

describe("the workflow lint", () => {
  const unknownLabel = {
    file: "w.yml",
    line: 81,
    column: 28,
    message: 'label "fleetdb-db-host" is unknown. available labels are …',
    kind: "runner-label",
  };
  test("a label the config declares is not a finding; any other finding is", () => {
    const labels = declaredLabels("self-hosted-runner:\n  labels: [fleetdb-db-host]\n");
    expect(labels).toEqual(["fleetdb-db-host"]);
    expect(findings([unknownLabel], labels)).toEqual([]);
    expect(findings([unknownLabel], [])).toEqual([
      'w.yml:81:28: label "fleetdb-db-host" is unknown. available labels are … [runner-label]',
    ]);
    expect(
      findings([{ ...unknownLabel, message: 'property "foo" is not defined', kind: "expression" }], labels),
    ).toHaveLength(1);
  });
});
