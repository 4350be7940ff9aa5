// PostgreSQL time settings: parsing config values into the milliseconds the server stores.

/** Unit multipliers PostgreSQL accepts for time settings whose base unit is ms (units are case-sensitive). */
const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** The largest value an integer GUC accepts: INT_MAX milliseconds, about 24.8 days. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

const DURATION_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?\s*$/;

export type DurationResult = { ok: true; ms: number } | { ok: false; problem: string };

/**
 * Parses a timeout the way PostgreSQL does for a GUC with base unit ms: a bare number is milliseconds,
 * a string may carry a unit (us, ms, s, min, h, d); fractions round to the nearest millisecond.
 * A non-zero value that rounds to 0 is refused: PostgreSQL would silently store "off".
 */
export function parseDuration(value: unknown): DurationResult {
  const expected = `expected milliseconds (an integer) or a string with a unit (us, ms, s, min, h, d), from 0 to ${MAX_TIMEOUT_MS} ms`;
  let ms: number;
  if (typeof value === "number") {
    if (!Number.isInteger(value))
      return { ok: false, problem: `${expected}; a bare number must be a whole number of ms` };
    ms = value;
  } else if (typeof value === "string") {
    const match = DURATION_PATTERN.exec(value);
    if (!match) return { ok: false, problem: expected };
    const amount = Number(match[1]);
    const unit = match[2] ?? "ms";
    ms = roundHalfEven(amount * UNIT_MS[unit]);
    if (amount > 0 && ms === 0) return { ok: false, problem: `${expected}; a non-zero value must be at least 1 ms` };
  } else {
    return { ok: false, problem: expected };
  }
  if (ms < 0 || ms > MAX_TIMEOUT_MS) return { ok: false, problem: expected };
  return { ok: true, ms };
}

/** Renders milliseconds the way `SHOW` does for values that divide evenly (30000 → "30s"), for reports. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0";
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["min", 60_000],
    ["s", 1000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** C's rint() under the default rounding mode, which PostgreSQL uses for fractional settings. */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
