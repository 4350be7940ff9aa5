// The server command pins the slots timescaledb-tune would rewrite; PGDATA follows the image's layout.
import { expect, test } from "vitest";
import { pgdataPath, serverCommand } from "../../src/serverCommand";

test.each<[number, string[]]>([
  [
    16,
    ["postgres", "-c", "max_connections=100", "-c", "superuser_reserved_connections=3", "-c", "reserved_connections=2"],
  ],
  [15, ["postgres", "-c", "max_connections=100", "-c", "superuser_reserved_connections=3"]],
])("PostgreSQL %d", (major, command) => {
  expect(
    serverCommand({
      postgresMajorVersion: major as 15,
      maxConnections: 100,
      superuserReservedConnections: 3,
      reservedConnections: major >= 16 ? 2 : 0,
    }),
  ).toEqual(command);
});

test.each<[number, string]>([
  [15, "/var/lib/postgresql/data"],
  [16, "/var/lib/postgresql/data"],
  [17, "/var/lib/postgresql/data"],
  [18, "/var/lib/postgresql"],
])("PGDATA for PostgreSQL %d is mounted at %s", (major, path) => {
  expect(pgdataPath(major)).toBe(path);
});
