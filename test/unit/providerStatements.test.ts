// statementsOf: the provider's statements out of a server log written with log_line_prefix `%a|`.
import { expect, test } from "vitest";
import { statementsOf } from "../support/providerApplied";

const LOG = [
  'Terraform provider|LOG:  statement: CREATE ROLE "a" WITH NOSUPERUSER',
  "Terraform provider|LOG:  execute <unnamed>: SELECT rolname FROM pg_roles",
  "\tWHERE rolname = $1",
  "Terraform provider|DETAIL:  parameters: $1 = 'a'",
  "psql|LOG:  statement: SELECT 2",
  "  AND 3",
  'Terraform provider|ERROR:  extension "timescaledb" is not available',
  "Terraform provider|LOG:  statement: COMMIT",
  "",
].join("\n");

test.each<[string, string, string[]]>([
  [
    "the provider's statements, continuation lines joined, others' left out",
    "Terraform provider",
    ['CREATE ROLE "a" WITH NOSUPERUSER', "SELECT rolname FROM pg_roles\n\tWHERE rolname = $1", "COMMIT"],
  ],
  ["another application's", "psql", ["SELECT 2\n  AND 3"]],
  ["none for an application that sent nothing", "pgbouncer", []],
])("%s", (_name, application, expected) => {
  expect(statementsOf(LOG, application)).toEqual(expected);
});
