// Orders the declared postgresql resources as a fresh apply runs them and renders each one's statements.
import { escapeIdentifier } from "pg";
import { fleetdbKindOf, TYPES } from "../../policies/core/resourceTypes";
import { defaultPrivilegesStatements } from "./defaultPrivilegesStatements";
import { databaseStatements, extensionStatements, schemaStatements } from "./databaseStatements";
import { functionStatements } from "./functionStatements";
import { grantStatements } from "./grantStatements";
import {
  inTransaction,
  type Difference,
  type Plan,
  type PlanResource,
  type PlanStatement,
  type PlanStep,
  type RenderContext,
} from "./plan";
import { roleSettingStatement } from "./roleSettingStatements";
import { roleName, roleStatements } from "./roleStatements";

type Rendered = { statements: PlanStatement[]; differences: Difference[] };

interface Renderer {
  /** Among resources free to run, lower ranks print first (any order the dependencies allow is one `pulumi up` could take). */
  rank: number;
  /** Where the provider runs its statements. */
  database(resource: PlanResource, context: RenderContext): string;
  render(resource: PlanResource, context: RenderContext): Rendered;
}

const inProviderDatabase = (_resource: PlanResource, context: RenderContext) => context.providerDatabase;
const inItsDatabase = (resource: PlanResource, context: RenderContext) =>
  typeof resource.inputs.database === "string" ? resource.inputs.database : context.providerDatabase;

/** Every resource type the plan can render; any other postgresql type stops the plan rather than go missing. */
export const RENDERERS: Record<string, Renderer> = {
  [TYPES.role]: { rank: 0, database: inProviderDatabase, render: roleStatements },
  [TYPES.grantRole]: { rank: 1, database: inProviderDatabase, render: grantRoleStatements },
  [TYPES.database]: { rank: 2, database: inProviderDatabase, render: databaseStatements },
  [TYPES.extension]: { rank: 3, database: inItsDatabase, render: extensionStatements },
  [TYPES.schema]: { rank: 4, database: inItsDatabase, render: schemaStatements },
  [TYPES.function]: { rank: 5, database: inItsDatabase, render: functionStatements },
  [TYPES.grant]: { rank: 5, database: inItsDatabase, render: grantStatements },
  [TYPES.defaultPrivileges]: {
    rank: 6,
    database: inItsDatabase,
    render: defaultPrivilegesStatements,
  },
  // fleetdb's dynamic resources: role settings are cluster-wide catalog rows, written from the provider's database.
  "fleetdb:dynamic:role-setting": { rank: 7, database: inProviderDatabase, render: roleSettingPlan },
  "fleetdb:dynamic:superuser-password": {
    rank: 0,
    database: inProviderDatabase,
    render: () => ({ statements: [], differences: ["superuser-password"] }),
  },
};

/** A declared resource the plan cannot express: the plan refuses to be silently incomplete. */
export class UnplannableResource extends Error {}

export function planFromResources(resources: readonly (PlanResource & { outputs?: unknown })[]): Plan {
  const provider = resources.find((resource) => resource.type === TYPES.postgresqlProvider);
  const providerDatabase = typeof provider?.inputs.database === "string" ? provider.inputs.database : "postgres";
  const providerUsername = typeof provider?.inputs.username === "string" ? provider.inputs.username : "postgres";
  // Provider inputs arrive as JSON text under the engine ("false"), as booleans from a direct caller.
  const nonSuperuser = provider?.inputs.superuser === false || provider?.inputs.superuser === "false";
  const planned = resources.filter((resource) => resource.type.startsWith("postgresql:") || isPlannedDynamic(resource));
  for (const resource of planned) {
    if (!RENDERERS[rendererKey(resource)])
      throw new UnplannableResource(`the SQL plan cannot render ${resource.type} ${resource.name}`);
  }
  const context: RenderContext = {
    providerDatabase,
    providerUsername,
    plannedRoles: new Set(planned.filter((resource) => resource.type === TYPES.role).map(roleName)),
    nonSuperuser,
  };
  const steps = applyOrder(planned).map((resource): PlanStep => {
    const renderer = RENDERERS[rendererKey(resource)];
    const { statements, differences } = renderer.render(resource, context);
    const kind = fleetdbKindOf(resource);
    const requiresDatabase =
      kind === "role-setting" && typeof resource.inputs.database === "string" ? resource.inputs.database : undefined;
    return {
      urn: resource.urn,
      type: resource.type,
      name: resource.name,
      kind,
      database: renderer.database(resource, context),
      requiresDatabase,
      statements,
      differences,
    };
  });
  return { providerDatabase, providerUsername, ...(nonSuperuser ? { nonSuperuser } : {}), steps };
}

/** Our own dynamic resources say what they are in an input; the plan renders them like any other. */
function isPlannedDynamic(resource: PlanResource): boolean {
  return fleetdbKindOf(resource) !== undefined;
}

function rendererKey(resource: PlanResource): string {
  const kind = fleetdbKindOf(resource);
  return kind ? `fleetdb:dynamic:${kind}` : resource.type;
}

/** Kahn's algorithm over the declared dependencies; ties by renderer rank, then declaration order. */
function applyOrder(resources: readonly PlanResource[]): PlanResource[] {
  const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
  const index = new Map(resources.map((resource, position) => [resource.urn, position]));
  const waitingOn = new Map(
    resources.map((resource) => [resource.urn, new Set(resource.dependencies.filter((urn) => byUrn.has(urn)))]),
  );
  const ordered: PlanResource[] = [];
  const key = (resource: PlanResource) => [RENDERERS[rendererKey(resource)].rank, index.get(resource.urn)!] as const;
  while (ordered.length < resources.length) {
    const ready = resources.filter(
      (resource) => waitingOn.get(resource.urn)!.size === 0 && !ordered.includes(resource),
    );
    if (ready.length === 0) throw new UnplannableResource("the declared resources depend on each other in a cycle");
    ready.sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1] - key(b)[1]);
    const next = ready[0];
    ordered.push(next);
    for (const pending of waitingOn.values()) pending.delete(next.urn);
  }
  return ordered;
}

/** RoleSetting: the same ALTER ROLE … [IN DATABASE …] SET the dynamic provider sends. */
function roleSettingPlan(resource: PlanResource): Rendered {
  const { role, database, setting, value } = resource.inputs;
  return {
    statements: [
      inTransaction(
        roleSettingStatement(escapeIdentifier, {
          role: String(role),
          database: typeof database === "string" ? database : undefined,
          setting: String(setting),
          value: Number(value),
        }),
      ),
    ],
    differences: [],
  };
}

/** postgresql.GrantRole: REVOKE, then GRANT [WITH ADMIN OPTION] (every field forces a replacement). */
function grantRoleStatements(resource: PlanResource): Rendered {
  const group = escapeIdentifier(String(resource.inputs.grantRole));
  const member = escapeIdentifier(String(resource.inputs.role));
  return {
    statements: [
      inTransaction(`REVOKE ${group} FROM ${member}`),
      inTransaction(
        `GRANT ${group} TO ${member}${resource.inputs.withAdminOption === true ? " WITH ADMIN OPTION" : ""}`,
      ),
    ],
    differences: [],
  };
}
