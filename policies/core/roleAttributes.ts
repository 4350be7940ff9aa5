// PostgreSQL role attributes as the postgresql provider names them: one table for the program, the plan and the pack.

export interface RoleAttribute {
  /** The postgresql.Role input. */
  input: "superuser" | "createDatabase" | "createRole" | "inherit" | "login" | "bypassRowLevelSecurity" | "replication";
  /** The CREATE ROLE keyword (NO<keyword> when off). */
  keyword: string;
  /** The provider's default when the input is absent. */
  fallback: boolean;
  /** Reaches past the app's own database: never on for a fleetdb role. */
  elevated: boolean;
}

/** In the provider's order (resourcePostgreSQLRoleCreate), which the plan follows. */
export const ROLE_ATTRIBUTES: readonly RoleAttribute[] = [
  { input: "superuser", keyword: "SUPERUSER", fallback: false, elevated: true },
  { input: "createDatabase", keyword: "CREATEDB", fallback: false, elevated: true },
  { input: "createRole", keyword: "CREATEROLE", fallback: false, elevated: true },
  { input: "inherit", keyword: "INHERIT", fallback: true, elevated: false },
  { input: "login", keyword: "LOGIN", fallback: false, elevated: false },
  { input: "bypassRowLevelSecurity", keyword: "BYPASSRLS", fallback: false, elevated: true },
  { input: "replication", keyword: "REPLICATION", fallback: false, elevated: true },
];

/** Every elevated attribute off, INHERIT on, spelled out so a review of the inputs (and the pack) sees each one. */
export const NO_ELEVATED_ATTRIBUTES = {
  superuser: false,
  createDatabase: false,
  createRole: false,
  replication: false,
  bypassRowLevelSecurity: false,
  inherit: true,
} as const satisfies Partial<Record<RoleAttribute["input"], boolean>>;

/**
 * Attributes only a superuser may change, even on a role the admin created (PostgreSQL 16 role-attributes:
 * CREATEROLE conveys neither SUPERUSER nor REPLICATION nor BYPASSRLS), with their pg_roles columns. A
 * non-superuser admin's plan checks them on an existing role instead of re-setting them.
 */
export const SUPERUSER_ONLY_ATTRIBUTES = [
  { input: "superuser", keyword: "SUPERUSER", column: "rolsuper" },
  { input: "replication", keyword: "REPLICATION", column: "rolreplication" },
  { input: "bypassRowLevelSecurity", keyword: "BYPASSRLS", column: "rolbypassrls" },
] as const satisfies readonly { input: RoleAttribute["input"]; keyword: string; column: string }[];
