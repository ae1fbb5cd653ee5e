// Timeouts of `select` and `poll`: milliseconds, checked one way, and honoured in full.
// setTimeout fires after 1 ms for anything above 2^31-1 ms (with a TimeoutOverflowWarning),
// so a long timeout is a chain of shorter ones against a fixed deadline.

/** setTimeout's largest delay. */
const MAX_DELAY = 2 ** 31 - 1;

let warnedSeconds = false;

/**
 * Throws `RangeError` for a negative or NaN timeout. A fraction below 1 (`0.5`) is almost
 * always the seed's seconds given where sluice takes milliseconds: warn once per process.
 */
export function checkTimeoutMs(timeoutMs: number, what: string): void {
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
    throw new RangeError(`${what}: timeoutMs must be a number >= 0, got ${String(timeoutMs)}`);
  }
  if (timeoutMs > 0 && timeoutMs < 1 && !warnedSeconds) {
    warnedSeconds = true;
    process.emitWarning(
      `${what}() takes milliseconds; a timeout of ${timeoutMs} looks like seconds (it waits ${timeoutMs} ms). Pass ${timeoutMs * 1000} for ${timeoutMs} s.`,
      { type: 'SluiceWarning', code: 'SLUICE_TIMEOUT_UNITS' },
    );
  }
}

/** Calls `fire` once after `ms` milliseconds, any finite `ms`; returns a cancel function. */
export function longTimeout(ms: number, fire: () => void): () => void {
  if (ms <= MAX_DELAY) {
    const timer = setTimeout(fire, ms);
    return () => clearTimeout(timer);
  }
  // Date, not performance: fake timers that fake Date drive this chain too.
  const deadline = Date.now() + ms;
  let timer: NodeJS.Timeout;
  const arm = (): void => {
    const left = deadline - Date.now();
    if (left <= 0) fire();
    else timer = setTimeout(arm, Math.min(left, MAX_DELAY));
  };
  timer = setTimeout(arm, MAX_DELAY);
  return () => clearTimeout(timer);
}
