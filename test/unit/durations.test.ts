// Timeouts parse the way PostgreSQL parses a GUC whose base unit is milliseconds.
import { describe, expect, test } from "vitest";
import { formatDuration, parseDuration } from "../../src/config/durations";

describe("parseDuration", () => {
  test.each<[unknown, number]>([
    [0, 0],
    ["0", 0],
    [1500, 1500],
    ["1500", 1500],
    ["250ms", 250],
    ["30s", 30_000],
    ["30 s", 30_000],
    ["1.5s", 1500],
    ["5min", 300_000],
    ["2h", 7_200_000],
    ["1d", 86_400_000],
    ["1500us", 2], // 1.5 ms rounds half to even, as rint() does
    ["2500us", 2],
    ["2147483647", 2_147_483_647],
  ])("%j is %d ms", (value, ms) => {
    expect(parseDuration(value)).toEqual({ ok: true, ms });
  });

  test.each<[unknown]>([
    ["5 minutes"],
    ["-1"],
    [-1],
    ["10MS"],
    ["1m"],
    [1.5],
    ["0.1us"],
    ["2147483648"],
    ["25d"],
    [true],
    [null],
    [""],
  ])("%j is refused", (value) => {
    const result = parseDuration(value);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problem).toMatch(
        /^expected milliseconds \(an integer\) or a string with a unit \(us, ms, s, min, h, d\), from 0 to 2147483647 ms/,
      );
  });
});
describe("formatDuration", () => {
  test.each<[number, string]>([
    [0, "0"],
    [250, "250ms"],
    [30_000, "30s"],
    [90_000, "90s"],
    [300_000, "5min"],
    [7_200_000, "2h"],
    [86_400_000, "1d"],
  ])("%d ms is %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
