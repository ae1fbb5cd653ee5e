// Collects small outgoing messages and hands them on as one batch: when `size` messages are
// waiting, when `maxBytes` would be exceeded, or `timeoutMs` after the first one arrived,
// whichever comes first. So the latency batching adds never exceeds the timeout.

/** Where a batch goes: resolves once it is accepted by the stream. */
export type BatchSink = (messages: Uint8Array[]) => Promise<void>;

/** Options of a `Batcher`. */
export interface BatcherOptions {
  /** Messages per batch. */
  size: number;
  /** Longest wait before a partial batch is sent, in milliseconds. */
  timeoutMs: number;
  /** Largest batch payload, in bytes (a batch is sent before it would grow past this). */
  maxBytes: number;
}

/** Groups messages for one sink. */
export class Batcher {
  #pending: Uint8Array[] = [];
  #bytes = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastFlush: Promise<void> = Promise.resolve();

  readonly #options: BatcherOptions;
  readonly #sink: BatchSink;
  readonly #onTimerError: (error: unknown) => void;

  constructor(options: BatcherOptions, sink: BatchSink, onTimerError: (error: unknown) => void) {
    this.#options = options;
    this.#sink = sink;
    this.#onTimerError = onTimerError;
  }

  /** Number of messages waiting. */
  get size(): number {
    return this.#pending.length;
  }

  /**
   * Adds `message`. Resolves at once while the batch has room; when it fills the batch,
   * resolves once the batch is accepted (so a fast sender feels backpressure).
   */
  add(message: Uint8Array): Promise<void> | undefined {
    const entry = 4 + message.length;
    if (this.#bytes + entry > this.#options.maxBytes && this.#pending.length > 0) {
      this.flush().catch(this.#onTimerError);
    }
    this.#pending.push(message);
    this.#bytes += entry;
    if (this.#pending.length >= this.#options.size || this.#bytes >= this.#options.maxBytes) {
      return this.flush();
    }
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.flush().catch(this.#onTimerError);
    }, this.#options.timeoutMs);
    return undefined;
  }

  /** Sends what is waiting now; resolves once it (and every batch before it) is accepted. */
  flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#pending.length === 0) return this.#lastFlush;
    const batch = this.#pending;
    this.#pending = [];
    this.#bytes = 0;
    this.#lastFlush = this.#sink(batch);
    return this.#lastFlush;
  }
}
