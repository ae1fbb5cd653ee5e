// Where a `Stream` is, as one named state ('open' → 'failed' → 'closed'), and the checks an
// I/O call makes against it before it touches the buffers.
import { ConnectionLostError, StreamClosedError, type StreamError } from './errors.js';
import type { Readiness } from './readiness.js';
import type { WriteQueue } from './write-queue.js';

/** Where a `Stream` is: usable, failed (its Node stream reported an error), or closed locally. */
export type StreamState = 'open' | 'failed' | 'closed';

/** A stream's state and its first failure, which stays readable after close. @internal */
export class Lifecycle {
  #state: StreamState = 'open';
  #failure: StreamError | undefined;
  #closing: Promise<void> | undefined;
  /** Made from a plain `Readable`: every write fails. */
  readonly #readOnly: boolean;

  constructor(readOnly: boolean) {
    this.#readOnly = readOnly;
  }

  get state(): StreamState {
    return this.#state;
  }

  get failure(): StreamError | undefined {
    return this.#failure;
  }

  get closed(): boolean {
    return this.#state === 'closed';
  }

  /** Keeps the first failure; a closed stream stays closed. */
  fail(error: StreamError): void {
    this.#failure ??= error;
    if (this.#state === 'open') this.#state = 'failed';
  }

  /** Closed at once (`destroy()`). */
  close(): void {
    this.#state = 'closed';
  }

  /**
   * `close()`: closed now, then flushes and ends `queue` and `release`s the Node streams,
   * even if the peer went away meanwhile. One promise, however often it is called.
   */
  closeAfterFlush(queue: WriteQueue, readiness: Readiness, release: () => void): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#state = 'closed';
    this.#closing = (async () => {
      try {
        const ending = queue.end();
        readiness.notify();
        await ending;
      } catch {
        // The peer is gone; there is nothing left to flush to.
      } finally {
        release();
      }
    })();
    return this.#closing;
  }

  checkOpen(): void {
    if (this.#state === 'closed') throw new StreamClosedError();
  }

  /** Throws what a write would fail with now; returns when `queue` may take data. */
  checkWritable(queue: WriteQueue): void {
    this.checkOpen();
    if (this.#readOnly) {
      throw new StreamClosedError('this stream is read-only: it was made from a Readable');
    }
    if (this.#failure) throw this.#failure;
    if (queue.state !== 'open') throw new StreamClosedError('the write side has been closed');
    if (queue.gone) throw new ConnectionLostError('the destination has been closed');
  }

  /** True when a write would fail at once (closed, failed, write side ended or gone). */
  writeBlocked(queue: WriteQueue): boolean {
    return this.#state !== 'open' || queue.state !== 'open' || queue.gone;
  }
}
