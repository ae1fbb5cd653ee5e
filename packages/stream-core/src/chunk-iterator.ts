// The async iterator of a `Stream`, by hand rather than an async generator: a chunk that is
// already buffered comes back without a promise per step, and a promise is made only when
// the reader must wait.
import type { Lifecycle } from './lifecycle.js';
import type { ReadBuffer } from './read-buffer.js';
import type { Readiness } from './readiness.js';

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

/**
 * The chunks of a stream's read buffer, until end of stream; ends quietly once the stream
 * closes, and throws its failure once the buffered chunks are read. @internal
 */
export function streamChunks(
  read: ReadBuffer,
  life: Lifecycle,
  readiness: Readiness,
): AsyncIterableIterator<Buffer> & AsyncDisposable {
  read.start();
  return chunkIterator({
    next: () => {
      if (life.closed) return null;
      if (read.length > 0) return read.takeChunk();
      if (life.failure) throw life.failure;
      return read.ended ? null : undefined;
    },
    wait: (retry) => readiness.once(retry),
  });
}
