// The SQL plan against the provider's own code: for each stack, one server set up by provider-check
// (terraform-provider-postgresql through the plugin SDK's Diff and Apply), one by the plan applied with psql.
import { readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { namespaceValues, parseStackConfig } from "../../src/config/load";
import { PROVIDER_DIFFERENCES } from "../../src/sql/plan";
import { stackBudget } from "../../src/stackBudget";
import type { ProviderCapture } from "../../tools/lib/providerCapture";
import { readStackFile, stackFilePath } from "../../tools/lib/stackFile";
import { applyPlanOnly, setPasswords, type LoggedInStack, type StackSource } from "../support/appliedStack";
import { catalogSnapshot } from "../support/catalogSnapshot";
import { connectionLimitChecks } from "../support/connectionLimitChecks";
import { prodPrivilegeChecks, runMigrations } from "../support/prodChecks";
import { applyWithProvider, providerCheckUnavailable, type ProviderApplied } from "../support/providerApplied";

const unavailable = providerCheckUnavailable();
if (unavailable) process.stderr.write(`provider fidelity: skipped: ${unavailable}\n`);

/** Every fixture that declares postgresql resources and passes validation (not malformed, not unbounded-role). */
const FIXTURES = ["alternating", "over-budget", "public-bind", "short-timeouts", "small"];
const STACKS: [string, StackSource][] = [
  ["prod", { stack: "prod" }],
  ["dev", { stack: "dev" }],
  ...FIXTURES.map((name): [string, StackSource] => [
    name,
    { configFile: path.join("test", "fixtures", `${name}.yaml`) },
  ]),
];

/** The provider's own error for CREATE EXTENSION on plain PostgreSQL (PROVIDER_DIFFERENCES.extension: the plan prints a NOTICE). */
const extensionUnavailable = (name: string) => `apply: pq: extension "${name}" is not available (0A000)`;

/** What provider-check skips for a stack, with why: each extension (plain PostgreSQL), the superuser password. */
function expectedSkips(capture: ProviderCapture): string[] {
  return capture.resources
    .flatMap((resource) => {
      if (resource.type === "postgresql:index/extension:Extension")
        return [`postgresql_extension ${resource.name}: ${extensionUnavailable(String(resource.inputs.name))}`];
      if (resource.kind === "superuser-password")
        return [`fleetdb:superuser-password ${resource.name}: ${PROVIDER_DIFFERENCES["superuser-password"]}`];
      return [];
    })
    .sort();
}

function skips(run: ProviderApplied): string[] {
  return run.outcomes
    .filter((outcome) => outcome.action === "skipped")
    .map((outcome) => `${outcome.terraform} ${outcome.name}: ${outcome.reason}`)
    .sort();
}

/** The budget's deployer line for the stack: maxConnections × (databases + 1) + 1. */
function deployerLine(source: StackSource): number {
  const file = readStackFile(source.stack ? stackFilePath(source.stack) : source.configFile!);
  const config = parseStackConfig(namespaceValues(file.config, (key) => file.secretKeys.includes(key)));
  return stackBudget(config, "postgresql").lines.find((line) => line.name === "deployer")!.slots;
}

describe.skipIf(unavailable !== undefined).each(STACKS)(
  "%s: the provider's own code and the SQL plan",
  (label, source) => {
    let provider: ProviderApplied;
    let plan: Awaited<ReturnType<typeof applyPlanOnly>>;
    let providerCatalog: Record<string, unknown>;
    let planCatalog: Record<string, unknown>;
    let prod: LoggedInStack;

    beforeAll(async () => {
      provider = await applyWithProvider(source, { superuser: true });
      plan = await applyPlanOnly(source);
      // Compared before anything else touches either server (passwords, migrations).
      providerCatalog = await catalogSnapshot(provider.server, { passwords: false });
      planCatalog = await catalogSnapshot(plan.server, { passwords: false });
    }, 240_000);

    afterAll(async () => {
      await provider?.stop();
      await plan?.server.stop();
      if (plan) rmSync(plan.dir, { recursive: true, force: true });
    });

    test("provider-check applies every resource and refreshes it with an empty diff", () => {
      expect(provider.outcomes.filter((outcome) => ["failed", "diff"].includes(outcome.action))).toEqual([]);
      const created = provider.outcomes.filter((outcome) => outcome.action === "created").length;
      expect(provider.outcomes.filter((outcome) => outcome.action === "refreshed")).toHaveLength(created);
      expect(provider.stderr.trimEnd().split("\n").at(-1)).toBe(
        `provider-check: refreshed ${created} resources: no diff`,
      );
      expect(provider.code).toBe(0);
    });

    test("what it skips is pinned: extensions on plain PostgreSQL, the superuser password", () => {
      const capture = JSON.parse(readFileSync(path.join(provider.dir, "resources.json"), "utf8")) as ProviderCapture;
      expect(skips(provider)).toEqual(expectedSkips(capture));
    });

    test("both catalogs agree: roles, memberships, settings, owners, ACLs, default ACLs, extensions", () => {
      expect(providerCatalog).toEqual(planCatalog);
    });

    test("the provider's connections stay within the budget's deployer line", async () => {
      const line = deployerLine(source);
      process.stderr.write(
        `provider fidelity: ${label}: ${provider.statements.length} statements from the provider; peak ${provider.peakConnections} provider connections; deployer line ${line}\n`,
      );
      expect(provider.peakConnections).toBeLessThanOrEqual(line);
    });

    if (label === "prod") {
      describe("the prod checks on the provider-applied server", () => {
        beforeAll(async () => {
          // The program runs once in this file (Pulumi's runtime state is global): prod only.
          prod = await setPasswords(provider.server, source, provider.dir);
          await runMigrations(prod);
        }, 120_000);

        prodPrivilegeChecks(() => prod, { adopted: false });
        // Last: it adds an unmanaged login (filler) to fill the server.
        describe("connection limits", () => connectionLimitChecks(() => prod));
      });
    }
  },
);

describe.skipIf(unavailable !== undefined)(
  "prod as a non-superuser admin (CREATEROLE, CREATEDB; superuser: false)",
  () => {
    let provider: ProviderApplied;

    beforeAll(async () => {
      provider = await applyWithProvider({ stack: "prod" }, { superuser: false });
    }, 240_000);

    afterAll(async () => {
      await provider?.stop();
    });

    test("provider-check applies and refreshes every resource", () => {
      expect(provider.outcomes.filter((outcome) => ["failed", "diff"].includes(outcome.action))).toEqual([]);
      expect(provider.code).toBe(0);
    });
  },
);
