// wrong-owner: declared databases and schemas, the objects in those schemas, and TimescaleDB user jobs.
import { escapeIdentifier } from "pg";
import type { DeclaredModel } from "./declared";
import { finding, type Finding, type Skipped } from "./findings";
import type { LiveCatalog, LiveObject } from "./liveCatalog";

/** The ALTER … OWNER TO keyword per object kind. */
const ALTER_KEYWORD: Record<string, string> = {
  table: "TABLE",
  "partitioned table": "TABLE",
  view: "VIEW",
  "materialized view": "MATERIALIZED VIEW",
  "foreign table": "FOREIGN TABLE",
  sequence: "SEQUENCE",
  function: "FUNCTION",
  procedure: "PROCEDURE",
  aggregate: "AGGREGATE",
  type: "TYPE",
};

function objectName(object: LiveObject): string {
  const name = `${escapeIdentifier(object.schema)}.${escapeIdentifier(object.name)}`;
  return object.arguments !== null ? `${name}(${object.arguments})` : name;
}

export function ownerChecks(model: DeclaredModel, live: LiveCatalog): { findings: Finding[]; skipped: Skipped[] } {
  const findings: Finding[] = [];
  const skipped: Skipped[] = [];
  const liveDatabases = new Map(live.databases.map((database) => [database.name, database]));
  for (const declared of model.databases) {
    const database = liveDatabases.get(declared.name);
    if (!database || database.owner !== declared.owner)
      findings.push(
        finding("wrong-owner", {
          object: `database ${declared.name}`,
          live: database ? `owned by ${database.owner}` : "missing",
          declared: `owned by ${declared.owner}`,
          fix: database
            ? `ALTER DATABASE ${escapeIdentifier(declared.name)} OWNER TO ${escapeIdentifier(declared.owner)}`
            : "pulumi up (creates it)",
        }),
      );
  }
  for (const { name, reason } of live.notVisited) {
    skipped.push({ check: `wrong-owner and privilege-drift inside ${name}`, reason: `the database ${reason}` });
  }
  for (const contents of live.visited) {
    const declaredSchemas = new Map(
      model.schemas.filter((schema) => schema.database === contents.name).map((schema) => [schema.name, schema.owner]),
    );
    const liveSchemas = new Map(contents.schemas.map((schema) => [schema.name, schema.owner]));
    for (const [schema, owner] of declaredSchemas) {
      const have = liveSchemas.get(schema);
      if (have === owner) continue;
      findings.push(
        finding("wrong-owner", {
          object: `schema ${schema} in ${contents.name}`,
          live: have === undefined ? "missing" : `owned by ${have}`,
          declared: `owned by ${owner}`,
          fix:
            have === undefined
              ? "pulumi up (creates it)"
              : `ALTER SCHEMA ${escapeIdentifier(schema)} OWNER TO ${escapeIdentifier(owner)}`,
        }),
      );
    }
    for (const object of contents.objects) {
      const owner = declaredSchemas.get(object.schema);
      if (owner === undefined || object.owner === owner) continue;
      findings.push(
        finding("wrong-owner", {
          object: `${object.kind} ${object.schema}.${object.name}${object.arguments !== null ? `(${object.arguments})` : ""} in ${contents.name}`,
          live: `owned by ${object.owner}`,
          declared: `owned by ${owner}`,
          fix: `ALTER ${ALTER_KEYWORD[object.kind] ?? object.kind.toUpperCase()} ${objectName(object)} OWNER TO ${escapeIdentifier(owner)}`,
        }),
      );
    }
    // TimescaleDB user jobs run as their owner: one tied to a hypertable belongs to its schema's owner, an add_job job to the database's.
    const databaseOwner = [...declaredSchemas.values()][0];
    for (const job of contents.jobs ?? []) {
      const owner = job.hypertableSchema
        ? declaredSchemas.get(job.hypertableSchema)
        : (declaredSchemas.get(job.procSchema) ?? databaseOwner);
      if (owner === undefined || job.owner === owner) continue;
      const target = job.hypertableName
        ? `${job.hypertableSchema}.${job.hypertableName}`
        : `${job.procSchema}.${job.procName}`;
      findings.push(
        finding("wrong-owner", {
          object: `TimescaleDB job ${job.jobId} (${job.procName} on ${target}) in ${contents.name}`,
          live: `owned by ${job.owner}`,
          declared: `owned by ${owner}`,
          fix: job.hypertableName
            ? `ALTER TABLE (or MATERIALIZED VIEW) ${target} OWNER TO ${escapeIdentifier(owner)}: TimescaleDB 2.26+ moves its jobs; older releases: drop and re-add the policy as ${owner}`
            : `REASSIGN OWNED BY ${escapeIdentifier(job.owner)} TO ${escapeIdentifier(owner)} (not for the bootstrap superuser), or delete_job and add_job again as ${owner}`,
        }),
      );
    }
  }
  skipped.push(...live.unread);
  return { findings, skipped };
}
