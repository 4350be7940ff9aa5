// The brief's privilege matrix as data: what each access level grants, per database and per schema.
import type { StackConfig } from "./config/schema";

export type AccessLevel = "owner" | "readwrite" | "read";
export type SchemaObjectType = "schema" | "table" | "sequence" | "function";

/** Privileges a read or readwrite role holds on each schema of its database, for existing and future objects. */
export const SCHEMA_PRIVILEGES: Record<Exclude<AccessLevel, "owner">, Partial<Record<SchemaObjectType, string[]>>> = {
  read: {
    schema: ["USAGE"],
    table: ["SELECT"],
    sequence: ["SELECT"],
  },
  readwrite: {
    schema: ["USAGE"],
    // No TRUNCATE: it bypasses row-level DELETE triggers and takes an ACCESS EXCLUSIVE lock.
    table: ["SELECT", "INSERT", "UPDATE", "DELETE"],
    sequence: ["USAGE", "SELECT", "UPDATE"],
    function: ["EXECUTE"],
  },
};

/** Databases every server has; PUBLIC loses CONNECT and TEMPORARY on them too. */
export const MAINTENANCE_DATABASES = ["postgres", "template1"] as const;

/** The role name PostgreSQL reads as PUBLIC, even quoted (the provider quotes it like any role). */
export const PUBLIC_ROLE = "public";

export interface DatabaseGrant {
  /** Grantee; PUBLIC_ROLE with no privileges means REVOKE ALL … FROM PUBLIC. */
  role: string;
  privileges: string[];
  /** Why this grant exists, for plans and tests. */
  reason: "owner" | "access" | "unmanaged" | "auditor" | "revoke-public";
}

/**
 * Database-level grants per database, application databases first, then the maintenance databases.
 * Positive grants come before the PUBLIC revoke so the first `up` on a live server locks nobody out.
 */
export function databaseGrants(config: StackConfig): Map<string, DatabaseGrant[]> {
  const grants = new Map<string, DatabaseGrant[]>();
  const add = (database: string, grant: DatabaseGrant) => {
    if (!grants.has(database)) grants.set(database, []);
    grants.get(database)!.push(grant);
  };
  for (const database of Object.keys(config.databases)) grants.set(database, []);
  for (const database of MAINTENANCE_DATABASES) grants.set(database, []);

  for (const [roleName, role] of Object.entries(config.roles)) {
    if (role.access === "owner") {
      add(role.database, {
        role: roleName,
        privileges: role.login ? ["CONNECT", "TEMPORARY", "CREATE"] : ["CREATE"],
        reason: "owner",
      });
    } else if (role.access) {
      add(role.database, { role: roleName, privileges: ["CONNECT", "TEMPORARY"], reason: "access" });
    }
  }
  for (const consumer of Object.values(config.budget.unmanaged)) {
    if (!consumer.role) continue;
    for (const database of consumer.databases)
      add(database, { role: consumer.role, privileges: ["CONNECT"], reason: "unmanaged" });
  }
  // The auditor reads the catalog of every database it may connect to; template1 is never audited inside.
  const auditor = config.audit.auditor?.name;
  for (const database of grants.keys())
    if (auditor && database !== "template1")
      add(database, { role: auditor, privileges: ["CONNECT"], reason: "auditor" });
  for (const database of grants.keys()) add(database, { role: PUBLIC_ROLE, privileges: [], reason: "revoke-public" });
  return grants;
}

/**
 * Databases the postgresql provider opens a pool in besides its own connection database: each one
 * costs the deployer another `maxConnections` slots.
 */
export function providerOtherDatabases(config: StackConfig): string[] {
  const touched = new Set<string>([...Object.keys(config.databases), ...MAINTENANCE_DATABASES]);
  touched.delete(config.admin.database);
  return [...touched];
}
