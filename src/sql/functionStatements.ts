// postgresql.Function → SQL, as the provider's createFunction writes it: CREATE OR REPLACE FUNCTION … AS $function$.
import { escapeIdentifier } from "pg";
import { UnplannableResource } from "./planFromResources";
import { inTransaction, nameOf, type Difference, type PlanResource, type PlanStatement } from "./plan";

// Types, modes, RETURNS, LANGUAGE and volatility reach SQL as words the provider writes unquoted: only these.
const WORDS = /^[A-Za-z_][A-Za-z0-9_ .[\]]*$/;
const DOLLAR_TAG = "$function$";

function word(value: unknown, what: string, resource: PlanResource): string {
  if (typeof value !== "string" || !WORDS.test(value))
    throw new UnplannableResource(
      `function ${resource.name}: ${what} ${JSON.stringify(value)} is not a plain SQL word`,
    );
  return value;
}

export function functionStatements(resource: PlanResource): { statements: PlanStatement[]; differences: Difference[] } {
  const { inputs } = resource;
  const schema = escapeIdentifier(typeof inputs.schema === "string" ? inputs.schema : "public");
  const args = (Array.isArray(inputs.args) ? inputs.args : []) as Record<string, unknown>[];
  const argList = args
    .map((arg) =>
      [
        arg.mode === undefined ? undefined : word(arg.mode, "argument mode", resource),
        typeof arg.name === "string" ? escapeIdentifier(arg.name) : undefined,
        word(arg.type, "argument type", resource),
      ]
        .filter(Boolean)
        .join(" "),
    )
    .join(", ");
  const body = typeof inputs.body === "string" ? inputs.body : "";
  if (body.includes(DOLLAR_TAG))
    throw new UnplannableResource(`function ${resource.name}: its body holds ${DOLLAR_TAG}, which would end it early`);
  const lines = [
    `CREATE OR REPLACE FUNCTION ${schema}.${escapeIdentifier(nameOf(resource))}(${argList})`,
    `RETURNS ${word(inputs.returns ?? "void", "RETURNS", resource)}`,
    `LANGUAGE ${word(inputs.language ?? "plpgsql", "LANGUAGE", resource)}`,
    ...(inputs.volatility === undefined ? [] : [word(inputs.volatility, "volatility", resource)]),
    ...(inputs.securityDefiner === true ? ["SECURITY DEFINER"] : []),
    ...(inputs.strict === true ? ["STRICT"] : []),
    `AS ${DOLLAR_TAG}${body}${DOLLAR_TAG}`,
  ];
  return { statements: [inTransaction(lines.join("\n"))], differences: [] };
}
