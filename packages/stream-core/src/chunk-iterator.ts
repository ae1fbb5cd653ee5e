// The async iterator of a `Stream`, by hand rather than an async generator: a chunk that is
// already buffered comes back without a promise per step, and a promise is made only when
// the reader must wait.

/** What the iterator reads from. @internal */
export interface ChunkSource {
  /** The next chunk; `null` at the end; `undefined` when the reader must wait. Throws the failure. */
  next(): Buffer | null | undefined;
  /** Calls `retry` once, at the next readiness change. */
  wait(retry: () => void): void;
}

type Result = IteratorResult<Buffer, undefined>;
const DONE: Result = { done: true, value: undefined };

/** Yields the chunks of `source` until its end; `return()` ends it early. @internal */
export function chunkIterator(
  source: ChunkSource,
): AsyncIterableIterator<Buffer> & AsyncDisposable {
  let finished = false;
  // The pending `next()` while nothing is buffered; later calls queue behind it.
  let pending: Promise<Result> | undefined;
  let settle: ((result: Result) => void) | undefined;
  let fail: ((err: unknown) => void) | undefined;
  // The next result if there is one now; undefined when the reader has to wait.
  const poll = (): Result | undefined => {
    if (finished) return DONE;
    let chunk: Buffer | null | undefined;
    try {
      chunk = source.next();
    } catch (err) {
      finished = true;
      throw err;
    }
    if (chunk === undefined) return undefined;
    if (chunk === null) {
      finished = true;
      return DONE;
    }
    return { done: false, value: chunk };
  };
  // A readiness change while a `next()` waits: settle it, or wait on.
  const retry = (): void => {
    const resolve = settle;
    const reject = fail;
    if (!resolve || !reject) return;
    let result: Result | undefined;
    try {
      result = poll();
    } catch (err) {
      pending = settle = fail = undefined;
      reject(err);
      return;
    }
    if (result === undefined) {
      source.wait(retry);
      return;
    }
    pending = settle = fail = undefined;
    resolve(result);
  };
  const again = (): Promise<Result> => iterator.next();
  const iterator: AsyncIterableIterator<Buffer> & AsyncDisposable = {
    next: (): Promise<Result> => {
      if (pending) return pending.then(again, again);
      let result: Result | undefined;
      try {
        result = poll();
      } catch (err) {
        return Promise.reject(err);
      }
      if (result !== undefined) return Promise.resolve(result);
      pending = new Promise<Result>((resolve, reject) => {
        settle = resolve;
        fail = reject;
      });
      source.wait(retry);
      return pending;
    },
    return: (): Promise<Result> => {
      finished = true;
      retry();
      return Promise.resolve(DONE);
    },
    [Symbol.asyncIterator]: () => iterator,
    [Symbol.asyncDispose]: async (): Promise<void> => {
      finished = true;
      retry();
    },
  };
  return iterator;
}
