// CONNECTION LIMIT and the superuser reserve on a real server: 100 slots, 3 reserved, the prod roles at their limits.
import { afterAll, beforeAll } from "vitest";
import { applyStack, type AppliedStack } from "../support/appliedStack";
import { connectionLimitChecks } from "../support/connectionLimitChecks";

let stack: AppliedStack;

beforeAll(async () => {
  stack = await applyStack({ stack: "prod" }, { max_connections: 100, superuser_reserved_connections: 3 });
}, 240_000);

afterAll(async () => {
  await stack?.server.stop();
});

connectionLimitChecks(() => stack);
