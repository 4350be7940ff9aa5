// postgresql.Function → SQL: the provider's CREATE OR REPLACE FUNCTION, names quoted, anything else refused.
import { describe, expect, test } from "vitest";
import { lookupBody, POOLER_LOOKUP } from "../../src/pooler/lookupFunction";
import { functionStatements } from "../../src/sql/functionStatements";
import { UnplannableResource } from "../../src/sql/planFromResources";

const lookup = (change: Record<string, unknown> = {}) => ({
  urn: "urn:pulumi:test::fleetdb::postgresql:index/function:Function::pooler-db-lookup",
  type: "postgresql:index/function:Function",
  name: "pooler-db-lookup",
  dependencies: [],
  inputs: {
    ...POOLER_LOOKUP,
    args: [...POOLER_LOOKUP.args],
    database: "db",
    securityDefiner: true,
    body: "SELECT 1",
    ...change,
  },
});

describe("functionStatements", () => {
  test("the pooler's lookup, as the provider writes it", () => {
    expect(functionStatements(lookup())).toEqual({
      statements: [
        {
          transactional: true,
          sql: [
            'CREATE OR REPLACE FUNCTION "fleetdb_pooler"."user_lookup"("i_username" text, OUT "usename" name, OUT "passwd" text)',
            "RETURNS SETOF record",
            "LANGUAGE sql",
            "STABLE",
            "SECURITY DEFINER",
            "AS $function$SELECT 1$function$",
          ].join("\n"),
        },
      ],
      differences: [],
    });
  });

  test("hostile names are quoted", () => {
    const sql = functionStatements(lookup({ schema: 'we"ird', name: "Drop;It", args: [{ name: "a'b", type: "text" }] }))
      .statements[0].sql;
    expect(sql.split("\n")[0]).toBe('CREATE OR REPLACE FUNCTION "we""ird"."Drop;It"("a\'b" text)');
  });

  test.each<[string, Record<string, unknown>, string]>([
    [
      "a type that is not a word",
      { args: [{ name: "x", type: "text); DROP TABLE t; --" }] },
      'function pooler-db-lookup: argument type "text); DROP TABLE t; --" is not a plain SQL word',
    ],
    [
      "a language that is not a word",
      { language: "sql;" },
      'function pooler-db-lookup: LANGUAGE "sql;" is not a plain SQL word',
    ],
    [
      "RETURNS with a quote",
      { returns: "text'" },
      'function pooler-db-lookup: RETURNS "text\'" is not a plain SQL word',
    ],
    [
      "a body that ends the dollar quote",
      { body: "SELECT 1$function$; DROP TABLE t; --" },
      "function pooler-db-lookup: its body holds $function$, which would end it early",
    ],
  ])("refuses %s", (_case, change, message) => {
    expect(() => functionStatements(lookup(change))).toThrow(new UnplannableResource(message));
  });

  test("the lookup's body is a plain SQL text the renderer accepts", () => {
    expect(functionStatements(lookup({ body: lookupBody(["o'hara"]) })).statements[0].sql).toContain(
      "ANY (ARRAY['o''hara']::pg_catalog.name[])",
    );
  });
});
