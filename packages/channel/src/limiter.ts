// A counting semaphore. Async zlib calls run on libuv's thread pool; unbounded, thousands of
// them at once fragment memory badly (ws caps them at 10), so every channel shares one limit.

/** Runs at most `concurrency` tasks at a time; the rest wait in order. */
export class Limiter {
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly concurrency: number) {}

  /** Runs `task` once a slot is free. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active >= this.concurrency) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#active++;
    }
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    }
  }
}
