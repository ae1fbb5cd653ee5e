// dockerpty's select() on Node: instead of blocking a thread in select(2), wait for the
// first readiness change of any of the given objects and resolve with the ready ones.
// It always resolves from a macrotask (setImmediate), never as a microtask: an
// `await select(…)` loop over something that is always ready still lets timers and I/O run.
import type { Selectable } from './contract.js';
import { checkTimeoutMs, longTimeout } from './timeouts.js';

/**
 * Resolves `[readyToRead, readyToWrite]`: on the next turn of the event loop when something
 * is ready or `timeoutMs` is 0; otherwise at the first readiness change that makes something
 * ready, or with two empty lists when `timeoutMs` passes. `timeoutMs` is in milliseconds
 * (the seed's is seconds); `Infinity` (or `null`) waits without a limit, and any finite
 * timeout, even beyond setTimeout's 2^31-1 ms, is honoured in full.
 */
export function select<R extends Selectable, W extends Selectable>(
  readStreams: readonly R[],
  writeStreams: readonly W[],
  timeoutMs: number | null = 0,
): Promise<[R[], W[]]> {
  const limit = timeoutMs ?? Number.POSITIVE_INFINITY;
  try {
    checkTimeoutMs(limit, 'select');
  } catch (err) {
    return Promise.reject(err);
  }
  const check = (): [R[], W[]] => [
    readStreams.filter((s) => s.readyToRead()),
    writeStreams.filter((s) => s.readyToWrite()),
  ];
  return new Promise((resolve, reject) => {
    const unsubscribe: Array<() => void> = [];
    let cancelTimer: (() => void) | undefined;
    let done = false;
    let scheduled = false;
    const end = (): void => {
      done = true;
      cancelTimer?.();
      for (const off of unsubscribe) off();
    };
    // One check per turn of the loop, however many readiness changes came in it.
    const attempt = (): void => {
      scheduled = false;
      if (done) return;
      try {
        const result = check();
        if (result[0].length > 0 || result[1].length > 0 || limit === 0) {
          end();
          resolve(result);
        }
      } catch (err) {
        end();
        reject(err);
      }
    };
    const schedule = (): void => {
      if (scheduled || done) return;
      scheduled = true;
      setImmediate(attempt);
    };
    if (limit !== 0) {
      for (const s of new Set<Selectable>([...readStreams, ...writeStreams])) {
        unsubscribe.push(s.onReadiness(schedule));
      }
      if (limit !== Number.POSITIVE_INFINITY) {
        cancelTimer = longTimeout(limit, () => {
          if (done) return;
          end();
          resolve([[], []]);
        });
      }
    }
    schedule();
  });
}
