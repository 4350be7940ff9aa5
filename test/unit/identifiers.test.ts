// Which names fleetdb accepts for roles, databases, schemas and services.
import { expect, test } from "vitest";
import { identifierProblem } from "../../src/config/identifiers";

test.each(["gateway_app", "_private", "ts_read", "a", "x".repeat(63), "tracksolid_db", "cron2"])(
  "%s is accepted",
  (name) => {
    expect(identifierProblem(name)).toBeUndefined();
  },
);

test.each<[string, string]>([
  ["Gateway", "expected a plain lower-case PostgreSQL name: ^[a-z_][a-z0-9_]{0,62}$"],
  ["gateway-app", "expected a plain lower-case PostgreSQL name: ^[a-z_][a-z0-9_]{0,62}$"],
  ["2fast", "expected a plain lower-case PostgreSQL name: ^[a-z_][a-z0-9_]{0,62}$"],
  ["x".repeat(64), "expected a plain lower-case PostgreSQL name: ^[a-z_][a-z0-9_]{0,62}$"],
  ['a"b', "expected a plain lower-case PostgreSQL name: ^[a-z_][a-z0-9_]{0,62}$"],
  ["rôle", "expected a plain lower-case PostgreSQL name: ^[a-z_][a-z0-9_]{0,62}$"],
  ["", "expected a plain lower-case PostgreSQL name: ^[a-z_][a-z0-9_]{0,62}$"],
  ["pg_monitor", "names starting with pg_ are reserved for PostgreSQL"],
  ["_timescaledb_catalog", "names starting with _timescaledb are reserved for TimescaleDB"],
  ["postgres", '"postgres" is reserved'],
  ["public", '"public" is reserved'],
  ["template1", '"template1" is reserved'],
  ["none", '"none" is reserved'],
  ["select", '"select" is a reserved SQL keyword'],
  ["user", '"user" is reserved'],
])("%s is refused: %s", (name, problem) => {
  expect(identifierProblem(name)).toBe(problem);
});
