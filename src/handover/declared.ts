// The databases, owners, schemas and readers a handover works from, read off the program's registered resources.
import { TYPES } from "../../policies/core/resourceTypes";
import type { DeclaredDatabase } from "./decide";

/** A registered resource as the handover reads it (a RegisteredResource or PlanResource fits). */
export interface DeclaredResource {
  type: string;
  inputs: Record<string, unknown>;
}

/** Per database (in declaration order): the owner its postgresql.Schema resources name, and those schemas. */
export function declaredDatabases(resources: readonly DeclaredResource[]): DeclaredDatabase[] {
  const byDatabase = new Map<string, DeclaredDatabase>();
  for (const { type, inputs } of resources) {
    if (type !== TYPES.schema) continue;
    const database = String(inputs.database);
    const owner = String(inputs.owner);
    const entry = byDatabase.get(database) ?? { database, owner, schemas: [] };
    if (entry.owner !== owner)
      throw new Error(`the schemas of ${database} name two owners (${entry.owner}, ${owner}): one database, one owner`);
    entry.schemas.push(String(inputs.name));
    byDatabase.set(database, entry);
  }
  return [...byDatabase.values()];
}

/**
 * Who reads the database: every role the stack grants CONNECT on it (its groups and the unmanaged consumers
 * with a declared role), and the login roles that are members of those groups, the owner excluded.
 */
export function declaredReaders(resources: readonly DeclaredResource[], declared: DeclaredDatabase): string[] {
  const connect = resources
    .filter(
      ({ type, inputs }) =>
        type === TYPES.grant &&
        inputs.objectType === "database" &&
        inputs.database === declared.database &&
        Array.isArray(inputs.privileges) &&
        inputs.privileges.includes("CONNECT"),
    )
    .map(({ inputs }) => String(inputs.role))
    .filter((role) => role !== "public" && role !== declared.owner);
  const members = resources
    .filter(
      ({ type, inputs }) =>
        type === TYPES.role &&
        Array.isArray(inputs.roles) &&
        inputs.roles.some((group) => connect.includes(String(group))),
    )
    .map(({ inputs }) => String(inputs.name));
  return [...new Set([...connect, ...members])];
}
