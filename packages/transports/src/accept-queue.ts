// Accepted connections waiting for `accept()`, and `accept()` calls waiting for a connection:
// one bounded queue that every listener hands its streams out through.
import { type NodeBackedStream, StreamClosedError } from '@sluice/stream-core';

/** A bounded queue of accepted streams and of `accept()` calls waiting for one. */
export class AcceptQueue {
  readonly #ready: NodeBackedStream[] = [];
  readonly #waiting: Array<{
    resolve: (stream: NodeBackedStream) => void;
    reject: (error: Error) => void;
  }> = [];
  readonly #capacity: number;
  #closed = false;

  /** `capacity`: streams held for nobody at most; `offer()` refuses more. */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** True when an `offer()` now would be taken (someone waits, or there is room). */
  get hasRoom(): boolean {
    return !this.#closed && (this.#waiting.length > 0 || this.#ready.length < this.#capacity);
  }

  /** Hands `stream` to a waiting `accept()` or queues it; false when full or closed. */
  offer(stream: NodeBackedStream): boolean {
    if (this.#closed) return false;
    const waiter = this.#waiting.shift();
    if (waiter) {
      waiter.resolve(stream);
      return true;
    }
    if (this.#ready.length >= this.#capacity) return false;
    this.#ready.push(stream);
    return true;
  }

  /** The next stream; rejects with `StreamClosedError` once closed. */
  take(): Promise<NodeBackedStream> {
    const stream = this.#ready.shift();
    if (stream) return Promise.resolve(stream);
    if (this.#closed) return Promise.reject(new StreamClosedError('listener has been closed'));
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  /** Rejects waiting `take()`s and closes the streams nobody took. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) {
      waiter.reject(new StreamClosedError('listener has been closed'));
    }
    await Promise.all(this.#ready.splice(0).map((stream) => stream.close()));
  }

  /** `take()` until the queue closes: the body of every listener's async iterator. */
  async *drain(): AsyncGenerator<NodeBackedStream> {
    while (true) {
      try {
        yield await this.take();
      } catch (error) {
        if (this.#closed) return;
        throw error;
      }
    }
  }
}
