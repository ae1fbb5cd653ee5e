// Who is told when a stream's readiness may have changed: `onReadiness` listeners (select,
// pumps, channels) and the stream's own one-shot waiters (its awaitable calls).

/** The readiness listeners and waiters of one stream. @internal */
export class Readiness {
  readonly #listeners = new Set<() => void>();
  // Called once at the next change, then dropped: no listener-set bookkeeping per wait.
  #waiters: Array<() => void> = [];

  /** Calls `listener` at every change until the returned function is called. */
  listen(listener: () => void): () => void {
    const wrapped = (): void => listener();
    this.#listeners.add(wrapped);
    return () => {
      this.#listeners.delete(wrapped);
    };
  }

  /** Calls `wake` once, at the next change. */
  once(wake: () => void): void {
    this.#waiters.push(wake);
  }

  /** Resolves at the next change. */
  changed(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
    });
  }

  // Called on every chunk in and out: costs two length checks when nobody waits.
  /** Tells everyone that readiness may have changed. */
  notify(): void {
    if (this.#waiters.length > 0) {
      // A fresh list first: a waiter that must wait on re-registers for the next change.
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const wake of waiters) wake();
    }
    if (this.#listeners.size === 0) return;
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch (err) {
        // A listener's bug must not corrupt the stream's state; surface it elsewhere.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
