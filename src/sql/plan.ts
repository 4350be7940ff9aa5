// The SQL plan's shape: steps in apply order, one per declared resource, each with its statements.

/** A registered resource as the plan reads it (a RegisteredResource from the mock runtime fits). */
export interface PlanResource {
  urn: string;
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  dependencies: string[];
}

export interface PlanStatement {
  sql: string;
  /** false: PostgreSQL refuses to run it inside a transaction block (CREATE DATABASE). */
  transactional: boolean;
  /** Set on CREATE DATABASE: psql guards it with \if; --validate cannot run it and says so. */
  createsDatabase?: string;
}

export interface PlanStep {
  urn: string;
  type: string;
  name: string;
  /** For fleetdb's dynamic resources: what they are (role-setting, superuser-password). */
  kind?: string;
  /** The database its statements run in (the provider connects there). */
  database: string;
  /** Another database that must exist for it to apply (an ALTER ROLE … IN DATABASE setting). */
  requiresDatabase?: string;
  statements: PlanStatement[];
  /** Where the plan's SQL differs from what the provider runs: keys of PROVIDER_DIFFERENCES. */
  differences: Difference[];
}

export interface Plan {
  /** The postgresql provider's own connection database (roles and databases are created there). */
  providerDatabase: string;
  /** The provider's username (default owner of the databases it creates). */
  providerUsername: string;
  /** The provider's admin is not a superuser (superuser: false, mode external): src/sql/nonSuperuser.ts. */
  nonSuperuser?: boolean;
  steps: PlanStep[];
}

/** What a renderer knows besides the resource itself. */
export interface RenderContext {
  providerDatabase: string;
  providerUsername: string;
  /** Roles the plan itself creates (grants to others are guarded: they may not exist on a fresh server). */
  plannedRoles: ReadonlySet<string>;
  /** The admin is not a superuser: follow the provider's non-superuser path (src/sql/nonSuperuser.ts). */
  nonSuperuser?: boolean;
}

/** Every place the plan's SQL differs from the provider's, and why. */
export const PROVIDER_DIFFERENCES = {
  password:
    "login roles get PASSWORD NULL instead of their generated password: passwords live in Pulumi state; set them from the stack outputs (docs/sql-plan.md, npm run passwords)",
  "role-guard":
    "CREATE ROLE only when the role is missing, else ALTER ROLE with the same attributes (the password untouched), so a re-run changes nothing",
  memberships:
    "memberships are granted, never revoked (on an update the provider first revokes every membership the role has)",
  "missing-grantee":
    "a grant to a role this plan does not create (an existing role) is skipped with a NOTICE when the role is missing",
  "create-database":
    "CREATE DATABASE runs on its own (it cannot run in a transaction), guarded with psql's \\if so it runs only when the database is missing",
  "schema-owner":
    "both branches of the provider's create: CREATE SCHEMA IF NOT EXISTS for a missing schema, ALTER SCHEMA … OWNER TO for an existing one",
  extension:
    "on a server without the extension (plain PostgreSQL) a NOTICE says so instead of failing, where the provider's CREATE EXTENSION fails (provider-check skips it with the provider's error)",
  "non-superuser-admin":
    "the admin is not a superuser (superuser: false): an existing role's SUPERUSER, REPLICATION and BYPASSRLS are checked, not re-set; owners are granted to the admin around the statements that need them and revoked after (the provider's withRolesGranted), and a superuser owner fails the step where the provider skips it with a warning",
  "database-outcome":
    "the admin is not a superuser: after a database-level GRANT or the PUBLIC revoke the plan checks the privileges and fails where PostgreSQL (and the provider) would only warn that nothing was granted or revoked",
  "superuser-password":
    "the deployer's password (the superuser's; in mode external the admin login's) is set by the stack's superuser-password resource (a SCRAM verifier, with the credential that works now), never by the plan",
} as const;
export type Difference = keyof typeof PROVIDER_DIFFERENCES;

export function inTransaction(sql: string): PlanStatement {
  return { sql, transactional: true };
}

/** The object's name: its `name` input when it has one, else the resource's Pulumi name. */
export function nameOf(resource: PlanResource): string {
  return typeof resource.inputs.name === "string" ? resource.inputs.name : resource.name;
}
