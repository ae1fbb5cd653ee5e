// Bounds of the engine's answers before a session streams: inspect, the upgrade's 101, the
// wait registration. The streaming itself is never bounded (a session may be idle for days).
import { TimeoutError } from '@sluice/stream-core';

/** How long a session waits for each answer of the engine before it streams, in ms. */
export interface EngineTimeouts {
  /** Inspect of the container or exec. Default `DEFAULT_ENGINE_TIMEOUT_MS` (or the engine's timeout). */
  inspectMs?: number;
  /** The 101 of the attach / exec start. Default as `inspectMs`. */
  upgradeMs?: number;
  /** The engine's confirmation that the wait is registered. Default as `inspectMs`. */
  waitMs?: number;
}

/** Default of each bound in `EngineTimeouts`, in ms. */
export const DEFAULT_ENGINE_TIMEOUT_MS = 30_000;

const KEYS = new Set(['inspectMs', 'upgradeMs', 'waitMs']);

/** The three bounds, checked: a `TypeError`/`RangeError` naming a bad one. */
export function resolveTimeouts(
  given: EngineTimeouts | undefined,
  engineDefault: number | undefined,
): Required<EngineTimeouts> {
  const fallback = engineDefault ?? DEFAULT_ENGINE_TIMEOUT_MS;
  if (given !== undefined && (typeof given !== 'object' || given === null)) {
    throw new TypeError('options.timeouts must be an object');
  }
  for (const key of Object.keys(given ?? {})) {
    if (!KEYS.has(key)) throw new TypeError(`options.timeouts: unknown field "${key}"`);
    const v = (given as Record<string, unknown>)[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 2 ** 31 - 1) {
      throw new RangeError(
        `options.timeouts.${key} must be a positive number of ms below 2^31, not ${String(v)}`,
      );
    }
  }
  return {
    inspectMs: given?.inspectMs ?? fallback,
    upgradeMs: given?.upgradeMs ?? fallback,
    waitMs: given?.waitMs ?? fallback,
  };
}

/** `step`, or a `TimeoutError` saying `what` after `ms`; `abort` cancels the step then. */
export function bounded<T>(
  step: Promise<T>,
  ms: number,
  what: string,
  abort?: () => void,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort?.();
      reject(new TimeoutError(`${what}: no answer within ${ms} ms`, { timeoutMs: ms }));
    }, ms);
  });
  return Promise.race([step, expired]).finally(() => clearTimeout(timer));
}
