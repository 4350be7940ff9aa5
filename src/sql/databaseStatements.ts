// postgresql.Database, Schema and Extension → SQL, as the provider creates them.
import { escapeIdentifier, escapeLiteral } from "pg";
import { doBlock } from "./guards";
import { asOwners, namedOwner } from "./nonSuperuser";
import {
  inTransaction,
  nameOf,
  type Difference,
  type PlanResource,
  type PlanStatement,
  type RenderContext,
} from "./plan";

/** CREATE DATABASE "d" OWNER … TEMPLATE template0 ENCODING 'UTF8' … (runs outside any transaction). */
export function databaseStatements(
  resource: PlanResource,
  context: RenderContext,
): { statements: PlanStatement[]; differences: Difference[] } {
  const { inputs } = resource;
  const name = nameOf(resource);
  const template =
    typeof inputs.template === "string"
      ? inputs.template === "DEFAULT"
        ? "DEFAULT"
        : escapeIdentifier(inputs.template)
      : "template0";
  const encoding =
    typeof inputs.encoding === "string"
      ? inputs.encoding === "DEFAULT"
        ? "DEFAULT"
        : escapeLiteral(inputs.encoding)
      : "'UTF8'";
  const parts = [
    `CREATE DATABASE ${escapeIdentifier(name)}`,
    `OWNER ${escapeIdentifier(typeof inputs.owner === "string" ? inputs.owner : context.providerUsername)}`,
    `TEMPLATE ${template}`,
    `ENCODING ${encoding}`,
    ...(typeof inputs.lcCollate === "string" ? [`LC_COLLATE ${escapeLiteral(inputs.lcCollate)}`] : []),
    ...(typeof inputs.lcCtype === "string" ? [`LC_CTYPE ${escapeLiteral(inputs.lcCtype)}`] : []),
    `ALLOW_CONNECTIONS ${inputs.allowConnections === false ? "false" : "true"}`,
    `CONNECTION LIMIT ${Number(inputs.connectionLimit ?? -1)}`,
    `IS_TEMPLATE ${inputs.isTemplate === true ? "true" : "false"}`,
  ];
  return {
    statements: [{ sql: parts.join(" "), transactional: false, createsDatabase: name }],
    differences: ["create-database"],
  };
}

export function schemaStatements(
  resource: PlanResource,
  context?: Pick<RenderContext, "nonSuperuser">,
): { statements: PlanStatement[]; differences: Difference[] } {
  const { inputs } = resource;
  const schema = escapeIdentifier(nameOf(resource));
  if (typeof inputs.owner !== "string")
    return { statements: [inTransaction(`CREATE SCHEMA IF NOT EXISTS ${schema}`)], differences: [] };
  const owner = escapeIdentifier(inputs.owner);
  const statements = [
    inTransaction(`CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${owner}`),
    inTransaction(`ALTER SCHEMA ${schema} OWNER TO ${owner}`),
  ];
  // CREATE SCHEMA … AUTHORIZATION needs SET ROLE on the owner (the provider: withRolesGranted([db owner, owner])).
  if (context?.nonSuperuser)
    return {
      statements: asOwners(namedOwner(inputs.owner), statements),
      differences: ["schema-owner", "non-superuser-admin"],
    };
  return { statements, differences: ["schema-owner"] };
}

export function extensionStatements(resource: PlanResource): {
  statements: PlanStatement[];
  differences: Difference[];
} {
  const { inputs } = resource;
  const name = nameOf(resource);
  const create =
    `CREATE EXTENSION IF NOT EXISTS ${escapeIdentifier(name)}` +
    (typeof inputs.schema === "string" ? ` SCHEMA ${escapeIdentifier(inputs.schema)}` : "") +
    (typeof inputs.version === "string" ? ` VERSION ${escapeIdentifier(inputs.version)}` : "") +
    (inputs.createCascade === true ? " CASCADE" : "");
  const guarded = doBlock(
    `IF EXISTS (SELECT FROM pg_catalog.pg_available_extensions WHERE name = ${escapeLiteral(name)}) THEN\n  ${create};\n` +
      `ELSE\n  RAISE NOTICE ${escapeLiteral(`extension ${name} is not available on this server: skipped`)};\nEND IF;`,
  );
  return { statements: [inTransaction(guarded)], differences: ["extension"] };
}
