// Accepted connections waiting for `accept()`, and `accept()` calls waiting for a connection:
// the one bounded queue every listener (tcp, tls, unix, ws) hands its connections out through.
import { StreamClosedError } from '@sluice/stream-core';

/** A bounded queue of accepted connections and of `accept()` calls waiting for one. */
export class AcceptQueue<T> {
  readonly #ready: T[] = [];
  readonly #waiting: Array<{ resolve: (item: T) => void; reject: (error: Error) => void }> = [];
  readonly #capacity: number;
  readonly #discard: (item: T) => unknown;
  #closed = false;

  /**
   * `capacity`: connections held for nobody at most (`offer()` refuses more); `discard`
   * closes one nobody took when the queue closes.
   */
  constructor(capacity: number, discard: (item: T) => unknown) {
    this.#capacity = capacity;
    this.#discard = discard;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** True when an `offer()` now would be taken (someone waits, or there is room). */
  get hasRoom(): boolean {
    return !this.#closed && (this.#waiting.length > 0 || this.#ready.length < this.#capacity);
  }

  /** Hands `item` to a waiting `take()` or queues it; false when full or closed. */
  offer(item: T): boolean {
    if (this.#closed) return false;
    const waiter = this.#waiting.shift();
    if (waiter) {
      waiter.resolve(item);
      return true;
    }
    if (this.#ready.length >= this.#capacity) return false;
    this.#ready.push(item);
    return true;
  }

  /** Takes `item` out of the queue (it went away before anyone took it). */
  remove(item: T): void {
    const i = this.#ready.indexOf(item);
    if (i >= 0) this.#ready.splice(i, 1);
  }

  /** The next connection; rejects with `StreamClosedError` once closed. */
  take(): Promise<T> {
    if (this.#ready.length > 0) return Promise.resolve(this.#ready.shift() as T);
    if (this.#closed) return Promise.reject(new StreamClosedError('listener has been closed'));
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  /** Rejects waiting `take()`s and discards the connections nobody took. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) {
      waiter.reject(new StreamClosedError('listener has been closed'));
    }
    await Promise.all(this.#ready.splice(0).map((item) => this.#discard(item)));
  }
}

/** `take()` until the queue closes, each item wrapped: the body of every listener's iterator. */
export async function* drain<T, S>(queue: AcceptQueue<T>, wrap: (item: T) => S): AsyncGenerator<S> {
  while (true) {
    try {
      yield wrap(await queue.take());
    } catch (error) {
      if (queue.closed) return;
      throw error;
    }
  }
}
