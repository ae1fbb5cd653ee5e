// Sinks for testing writers: one that takes at most k bytes per write (a non-blocking fd
// accepting a partial write), and one that takes bytes at a fixed rate.
import { Duplex } from 'node:stream';

/** A Duplex that only collects what is written to it; its readable side stays silent until it ends. */
export class SinkDuplex extends Duplex {
  /** Each delivery, in order (kept only when `keep` is on). */
  readonly deliveries: Buffer[] = [];
  /** Bytes delivered so far. */
  receivedBytes = 0;
  readonly #keep: boolean;

  constructor(options: { highWaterMark: number; keep: boolean }) {
    super({ writableHighWaterMark: options.highWaterMark });
    this.#keep = options.keep;
  }

  /** Everything delivered so far (needs `keep`). */
  get received(): Buffer {
    return Buffer.concat(this.deliveries);
  }

  protected deliver(piece: Buffer): void {
    this.receivedBytes += piece.length;
    if (this.#keep) this.deliveries.push(Buffer.from(piece));
  }

  override _read(): void {}

  override _final(callback: (err?: Error | null) => void): void {
    this.push(null);
    callback();
  }
}

class PartialWriteSink extends SinkDuplex {
  readonly #k: number;
  constructor(k: number) {
    super({ highWaterMark: k, keep: true });
    this.#k = k;
  }
  override _write(chunk: Buffer, _e: BufferEncoding, callback: (err?: Error | null) => void): void {
    for (let i = 0; i < chunk.length; i += this.#k) this.deliver(chunk.subarray(i, i + this.#k));
    callback();
  }
}

/**
 * A sink that takes at most `k` bytes per write: its high-water mark is `k`, so a `Stream`
 * over it hands `k` bytes on, reports backpressure, and keeps the rest queued until
 * `doWrite()` (or the next 'drain'). What arrived is in `received` / `deliveries`.
 */
export function partialWriteSink(k: number): SinkDuplex {
  if (!Number.isSafeInteger(k) || k <= 0)
    throw new RangeError(`k must be a positive integer, got ${k}`);
  return new PartialWriteSink(k);
}

class SlowSink extends SinkDuplex {
  readonly #bytesPerSecond: number;
  constructor(bytesPerSecond: number, keep: boolean) {
    super({ highWaterMark: 16 * 1024, keep });
    this.#bytesPerSecond = bytesPerSecond;
  }
  override _write(chunk: Buffer, _e: BufferEncoding, callback: (err?: Error | null) => void): void {
    // Take the chunk after the time the rate allows for it (timers: fakeable in tests).
    setTimeout(
      () => {
        this.deliver(chunk);
        callback();
      },
      (chunk.length * 1000) / this.#bytesPerSecond,
    );
  }
}

/** Options of `slowSink`. */
export interface SlowSinkOptions {
  /** Keep the bytes (for `received`); off by default so long runs stay small. */
  keep?: boolean;
}

/** A sink that takes `bytesPerSecond` (via `setTimeout`, so fake timers drive it). */
export function slowSink(bytesPerSecond: number, options: SlowSinkOptions = {}): SinkDuplex {
  if (!(bytesPerSecond > 0))
    throw new RangeError(`bytesPerSecond must be positive, got ${bytesPerSecond}`);
  return new SlowSink(bytesPerSecond, options.keep ?? false);
}
