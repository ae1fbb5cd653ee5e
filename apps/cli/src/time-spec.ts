// `--since` / `--until` values as the Docker CLI takes them: a relative duration ("42m",
// "1h30m", "10s") back from now, an RFC 3339 date or date-time, or Unix seconds.
import { usageError } from './errors.js';

const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** Unix seconds (fractional) for `value`, relative to `now` (ms). */
export function toUnixSeconds(
  value: string,
  option: string,
  command: string,
  now: number = Date.now(),
): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length > 0 && parts.map((p) => p[0]).join('') === value) {
    const seconds = parts.reduce(
      (sum, p) => sum + Number(p[1]) * (UNITS[p[2] as string] as number),
      0,
    );
    return now / 1000 - seconds;
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw usageError(
      `invalid value for ${option}: ${JSON.stringify(value)} (expected e.g. 10m, 2h, 2026-12-01T10:00:00Z or Unix seconds)`,
      command,
    );
  }
  return ms / 1000;
}
