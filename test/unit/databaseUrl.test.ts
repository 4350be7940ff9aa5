// DATABASE_URLs survive any password: they parse back to the same parts, in WHATWG URL and in pg's own parser.
import { describe, expect, test } from "vitest";
import { parse } from "pg-connection-string";
import { databaseUrl } from "../../src/databaseUrl";

const hostile = ["p@ss:w/rd#%?", "a%25b", "100%", "sp ace+plus", "[]{}<>|\\^`\"'", "ünï©ødé", "=&;,$!*()~"];

describe("databaseUrl", () => {
  test.each(hostile)("password %j round-trips", (password) => {
    const url = databaseUrl({
      username: "gateway_app",
      password,
      host: "timescale_db",
      port: 5432,
      database: "fleet_platform",
      applicationName: "gateway",
    });
    const parsed = new URL(url);
    expect(decodeURIComponent(parsed.password)).toBe(password);
    expect(parsed.username).toBe("gateway_app");
    expect(parsed.hostname).toBe("timescale_db");
    expect(parsed.port).toBe("5432");
    expect(parsed.pathname).toBe("/fleet_platform");
    expect(parsed.searchParams.get("application_name")).toBe("gateway");
    const pg = parse(url);
    expect(pg).toMatchObject({
      user: "gateway_app",
      password,
      host: "timescale_db",
      port: "5432",
      database: "fleet_platform",
      application_name: "gateway",
    });
  });

  test("an IPv6 host is bracketed", () => {
    const url = databaseUrl({
      username: "u",
      password: "p",
      host: "::1",
      port: 5433,
      database: "d",
      applicationName: "s",
    });
    expect(url).toBe("postgresql://u:p@[::1]:5433/d?application_name=s");
    expect(parse(url).host).toBe("::1");
  });
});
