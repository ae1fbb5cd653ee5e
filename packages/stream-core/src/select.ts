// dockerpty's select() on Node: instead of blocking a thread in select(2), wait for the
// first readiness change of any of the given objects and resolve with the ready ones.
import type { Selectable } from './contract.js';

/**
 * Resolves `[readyToRead, readyToWrite]`: at once when something is ready or `timeoutMs` is
 * 0; otherwise at the first readiness change that makes something ready, or with two empty
 * lists when `timeoutMs` passes. `Infinity` (or `null`) waits without a limit.
 */
export function select<R extends Selectable, W extends Selectable>(
  readStreams: readonly R[],
  writeStreams: readonly W[],
  timeoutMs: number | null = 0,
): Promise<[R[], W[]]> {
  const limit = timeoutMs ?? Number.POSITIVE_INFINITY;
  if (Number.isNaN(limit) || limit < 0) {
    return Promise.reject(new RangeError(`timeoutMs must be >= 0, got ${timeoutMs}`));
  }
  const check = (): [R[], W[]] => [
    readStreams.filter((s) => s.readyToRead()),
    writeStreams.filter((s) => s.readyToWrite()),
  ];
  const now = check();
  if (now[0].length > 0 || now[1].length > 0 || limit === 0) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const unsubscribe: Array<() => void> = [];
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (result: [R[], W[]]): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const off of unsubscribe) off();
      resolve(result);
    };
    const onChange = (): void => {
      if (done) return;
      try {
        const result = check();
        if (result[0].length > 0 || result[1].length > 0) finish(result);
      } catch (err) {
        done = true;
        clearTimeout(timer);
        for (const off of unsubscribe) off();
        reject(err);
      }
    };
    for (const s of new Set<Selectable>([...readStreams, ...writeStreams])) {
      unsubscribe.push(s.onReadiness(onChange));
    }
    if (limit !== Number.POSITIVE_INFINITY) timer = setTimeout(() => finish([[], []]), limit);
  });
}
