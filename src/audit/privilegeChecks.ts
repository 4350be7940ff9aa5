// privilege-drift: ACLs on declared databases, schemas and their objects, and default privileges, against the grants.
import { escapeIdentifier } from "pg";
import { PUBLIC_ROLE } from "../privilegeMatrix";
import { authoritativeGrantees, type DeclaredModel } from "./declared";
import { finding, type Finding } from "./findings";
import type { AclEntry, LiveCatalog } from "./liveCatalog";

/** What PostgreSQL gives PUBLIC when nobody granted or revoked anything (acldefault), per Grant objectType. */
const PUBLIC_DEFAULTS: Record<string, string[]> = {
  database: ["CONNECT", "TEMPORARY"],
  function: ["EXECUTE"],
  procedure: ["EXECUTE"],
  type: ["USAGE"],
};

/** pg_default_acl.defaclobjtype → the Grant objectType and the keyword ALTER DEFAULT PRIVILEGES takes. */
const DEFAULT_ACL_TYPES: Record<string, { objectType: string; keyword: string }> = {
  r: { objectType: "table", keyword: "TABLES" },
  S: { objectType: "sequence", keyword: "SEQUENCES" },
  f: { objectType: "function", keyword: "FUNCTIONS" },
  T: { objectType: "type", keyword: "TYPES" },
  n: { objectType: "schema", keyword: "SCHEMAS" },
};

const token = (entry: AclEntry) => (entry.grantable ? `${entry.privilege} WITH GRANT OPTION` : entry.privilege);
const grantee = (name: string) => (name === PUBLIC_ROLE ? "PUBLIC" : escapeIdentifier(name));
const list = (values: string[]) => (values.length === 0 ? "none" : values.join(", "));

interface Comparison {
  object: string;
  /** `ON TABLE "s"."t"`, or an ALTER DEFAULT PRIVILEGES prefix and object keyword. */
  grant: (verb: "GRANT" | "REVOKE", privileges: string[], role: string) => string;
  owner: string;
  acl: AclEntry[];
  /** Declared privileges per grantee (PUBLIC's defaults included). */
  expected: Map<string, string[]>;
}

export function privilegeChecks(model: DeclaredModel, live: LiveCatalog): Finding[] {
  const authoritative = authoritativeGrantees(model);
  const unmanaged = new Set(model.unmanaged.flatMap((consumer) => (consumer.role ? [consumer.role] : [])));
  const liveRoles = new Set([...live.roles.map((role) => role.name), PUBLIC_ROLE]);
  const findings: Finding[] = [];
  const compare = ({ object, grant, owner, acl, expected }: Comparison) => {
    const actual = new Map<string, string[]>();
    for (const entry of acl) {
      if (entry.grantee === owner) continue; // the owner's own privileges are implicit, never drift
      actual.set(entry.grantee, [...(actual.get(entry.grantee) ?? []), token(entry)]);
    }
    for (const role of new Set([...expected.keys(), ...actual.keys()])) {
      if (role === owner || !liveRoles.has(role)) continue;
      const isManaged = authoritative.has(role);
      if (!isManaged && !unmanaged.has(role)) continue;
      const want = [...new Set(expected.get(role) ?? [])].sort();
      const have = [...new Set(actual.get(role) ?? [])].sort();
      const missing = want.filter((privilege) => !have.includes(privilege));
      const extra = have.filter((privilege) => !want.includes(privilege));
      if (missing.length === 0 && extra.length === 0) continue;
      const bare = (values: string[]) => [...new Set(values.map((value) => value.replace(" WITH GRANT OPTION", "")))];
      const fix = [
        ...(extra.length > 0 ? [grant("REVOKE", bare(extra), role)] : []),
        ...(missing.length > 0 ? [grant("GRANT", missing, role)] : []),
      ].join("; ");
      findings.push(
        finding(
          "privilege-drift",
          {
            object: `${object}, grantee ${role === PUBLIC_ROLE ? "PUBLIC" : role}`,
            live: list(have),
            declared: list(want),
            fix,
          },
          isManaged ? undefined : "info",
        ),
      );
    }
  };

  const declaredFor = (match: (grant: DeclaredModel["grants"][number]) => boolean, publicDefault: string[]) => {
    const expected = new Map<string, string[]>([[PUBLIC_ROLE, publicDefault]]);
    const overridden = new Set<string>();
    for (const item of model.grants.filter(match)) {
      // A declared grant replaces what the role had (the provider revokes first), PUBLIC's defaults included.
      const before = overridden.has(item.role) ? (expected.get(item.role) ?? []) : [];
      expected.set(item.role, [...before, ...item.privileges]);
      overridden.add(item.role);
    }
    return expected;
  };

  const grantDatabases = new Set([...model.databases.map((db) => db.name), ...model.grants.map((g) => g.database)]);
  for (const database of live.databases.filter((db) => grantDatabases.has(db.name))) {
    const on = `ON DATABASE ${escapeIdentifier(database.name)}`;
    compare({
      object: `database ${database.name}`,
      grant: (verb, privileges, role) =>
        `${verb} ${privileges.join(", ")} ${on} ${verb === "GRANT" ? "TO" : "FROM"} ${grantee(role)}`,
      owner: database.owner,
      acl: database.acl,
      expected: declaredFor(
        (g) => g.objectType === "database" && g.database === database.name,
        PUBLIC_DEFAULTS.database,
      ),
    });
  }

  for (const contents of live.visited) {
    const inDatabase = ` in ${contents.name}`;
    for (const schema of contents.schemas) {
      const on = `ON SCHEMA ${escapeIdentifier(schema.name)}`;
      compare({
        object: `schema ${schema.name}${inDatabase}`,
        grant: (verb, privileges, role) =>
          `${verb} ${privileges.join(", ")} ${on} ${verb === "GRANT" ? "TO" : "FROM"} ${grantee(role)}`,
        owner: schema.owner,
        acl: schema.acl,
        expected: declaredFor(
          (g) => g.objectType === "schema" && g.database === contents.name && g.schema === schema.name,
          [],
        ),
      });
    }
    for (const object of contents.objects) {
      const keyword = object.aclClass.toUpperCase();
      const name = `${escapeIdentifier(object.schema)}.${escapeIdentifier(object.name)}`;
      const on = `ON ${keyword} ${name}${object.arguments !== null ? `(${object.arguments})` : ""}`;
      compare({
        object: `${object.kind} ${object.schema}.${object.name}${object.arguments !== null ? `(${object.arguments})` : ""}${inDatabase}`,
        grant: (verb, privileges, role) =>
          `${verb} ${privileges.join(", ")} ${on} ${verb === "GRANT" ? "TO" : "FROM"} ${grantee(role)}`,
        owner: object.owner,
        acl: object.acl,
        expected: declaredFor(
          (g) =>
            g.objectType === object.aclClass &&
            g.database === contents.name &&
            g.schema === object.schema &&
            (g.objects.length === 0 || g.objects.includes(object.name)),
          PUBLIC_DEFAULTS[object.aclClass] ?? [],
        ),
      });
    }
    defaultPrivilegeDrift(model, contents, compare);
  }
  return findings;
}

/** Default privileges: declared rows and live pg_default_acl rows of the same (owner, schema, type) compared. */
function defaultPrivilegeDrift(
  model: DeclaredModel,
  contents: LiveCatalog["visited"][number],
  compare: (comparison: Comparison) => void,
): void {
  const key = (owner: string, schema: string | null, code: string) => JSON.stringify([owner, schema, code]);
  const codeOf = (objectType: string) =>
    Object.entries(DEFAULT_ACL_TYPES).find(([, type]) => type.objectType === objectType)?.[0] ?? objectType;
  const expected = new Map<string, Map<string, string[]>>();
  for (const item of model.defaultPrivileges.filter((d) => d.database === contents.name)) {
    const id = key(item.owner, item.schema ?? null, codeOf(item.objectType));
    if (!expected.has(id)) expected.set(id, new Map());
    expected.get(id)!.set(item.role, [...(expected.get(id)!.get(item.role) ?? []), ...item.privileges]);
  }
  const liveRows = new Map(contents.defaultAcls.map((row) => [key(row.owner, row.schema, row.objectType), row.acl]));
  for (const id of new Set([...expected.keys(), ...liveRows.keys()])) {
    const [owner, schema, code] = JSON.parse(id) as [string, string | null, string];
    const type = DEFAULT_ACL_TYPES[code] ?? { objectType: code, keyword: code };
    const wanted = expected.get(id) ?? new Map<string, string[]>();
    // The global layer holds the whole default ACL, PUBLIC's built-in share included.
    if (schema === null && !wanted.has(PUBLIC_ROLE)) wanted.set(PUBLIC_ROLE, PUBLIC_DEFAULTS[type.objectType] ?? []);
    const prefix = `ALTER DEFAULT PRIVILEGES FOR ROLE ${escapeIdentifier(owner)}${schema ? ` IN SCHEMA ${escapeIdentifier(schema)}` : ""}`;
    compare({
      object: `default privileges on ${type.keyword.toLowerCase()} ${owner} creates${schema ? ` in schema ${schema}` : " (every schema)"} in ${contents.name}`,
      grant: (verb, privileges, role) =>
        `${prefix} ${verb} ${privileges.join(", ")} ON ${type.keyword} ${verb === "GRANT" ? "TO" : "FROM"} ${grantee(role)}`,
      owner,
      acl: liveRows.get(id) ?? [],
      expected: wanted,
    });
  }
}
