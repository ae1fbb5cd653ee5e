// dockerpty's Pump: moves bytes from one stream to another. `flush(n)` is the seed's step for
// select-driven loops; `run()` pumps to the end with backpressure both ways. Between two
// `Stream`s, `run()` hands whole chunks from one to the other (no copies, no slicing) and
// takes a chunk from the source only when the destination has room, so the bytes in the
// pump's care stay bounded by the source's read bound plus the destination's high-water mark.
import type { ByteStream, Selectable } from './contract.js';
import { BufferOverflowError, type StreamError } from './errors.js';
import { assertKnownOptions } from './known-options.js';
import { Stream } from './stream.js';
import { toStreamError } from './to-stream-error.js';

/** Options of a `Pump`. */
export interface PumpOptions {
  /** `isDone()` waits for the source's end of stream (default true); false: done whenever nothing is pending. */
  waitForOutput?: boolean;
  /**
   * When the source ends, end the destination's writing side (default true): a half-close
   * (`closeWrite()`), so a socket shared with another pump going the other way stays open
   * for that direction, as dockerpty's shutdown(SHUT_WR) does.
   */
  propagateClose?: boolean;
}

// Read size of `run()` when the source is not a `Stream` (a Demuxer, a BufferedStream, …).
const GENERIC_READ = 64 * 1024;
// While `run()` drives a `Stream` source, it is paused once this much waits (about one
// socket read), as `pipeline` does: buffering more only costs memory and cache, not speed.
const RUN_READ_AHEAD = 64 * 1024;

/** Moves bytes from `from` to `to`; selectable (readiness of its source and destination). */
export class Pump implements Selectable {
  /** Where bytes come from. */
  readonly from: ByteStream;
  /** Where bytes go. */
  readonly to: ByteStream;
  /** See `PumpOptions.waitForOutput`. */
  readonly waitForOutput: boolean;
  /** See `PumpOptions.propagateClose`. */
  readonly propagateClose: boolean;
  /** Bytes handed to the destination so far. */
  bytesMoved = 0;
  /** The highest `bufferedBytes` seen while pumping (sampled at every step and readiness change). */
  maxBufferedBytes = 0;
  #eof = false;
  // Bytes read from the source that the destination refused (bound full); they go first.
  #carry: Uint8Array | undefined;
  #running = false;
  // Fast paths when an end is a `Stream` of this package: its read buffer and write side.
  readonly #fromStream: Stream | undefined;
  readonly #toStream: Stream | undefined;

  constructor(from: ByteStream, to: ByteStream, options: PumpOptions = {}) {
    assertKnownOptions(options, ['waitForOutput', 'propagateClose'], 'new Pump()');
    this.from = from;
    this.to = to;
    this.waitForOutput = options.waitForOutput ?? true;
    this.propagateClose = options.propagateClose ?? true;
    this.#fromStream = from instanceof Stream ? from : undefined;
    this.#toStream = to instanceof Stream ? to : undefined;
  }

  /**
   * Bytes in the pump's care: the source's read buffer, a refused chunk, the destination's
   * write queue, and what the destination's Node writable holds (for a `Stream`).
   */
  get bufferedBytes(): number {
    const outstanding = this.#toStream?.writeQueue.outstanding() ?? 0;
    return (
      (this.from.bufferedReadBytes ?? 0) +
      (this.#carry?.length ?? 0) +
      (this.to.bufferedWriteBytes ?? 0) +
      outstanding
    );
  }

  #sample(): void {
    const now = this.bufferedBytes;
    if (now > this.maxBufferedBytes) this.maxBufferedBytes = now;
  }

  /** The source's file descriptor (for `select`-style code), or -1. */
  fileno(): number {
    return this.from.fileno();
  }

  /** True once `flush()` returned `null`: the source ended (dockerpty's `pump.eof`). */
  get eof(): boolean {
    return this.#eof;
  }

  /**
   * True when `flush()` would make progress now: the source has something to report (data,
   * end of stream, an error) or a refused chunk waits, and the destination would take a
   * write. False once the source's end was seen, and while the destination is full.
   */
  readyToRead(): boolean {
    if (this.#eof) return false;
    return (this.#carry !== undefined || this.from.readyToRead()) && this.to.readyToWrite();
  }

  /** True when the destination would take a write now. */
  readyToWrite(): boolean {
    return this.to.readyToWrite();
  }

  /** Readiness changes of either end. */
  onReadiness(listener: () => void): () => void {
    const offFrom = this.from.onReadiness(listener);
    const offTo = this.to === this.from ? () => {} : this.to.onReadiness(listener);
    return () => {
      offFrom();
      offTo();
    };
  }

  // Writes `data` to the destination; false when its bound refused it (keep it for later).
  #give(data: Uint8Array): boolean {
    try {
      this.to.write(data);
    } catch (err) {
      if (err instanceof BufferOverflowError) return false;
      throw err;
    }
    this.bytesMoved += data.length;
    return true;
  }

  /**
   * Moves up to `n` bytes now; returns the bytes moved (0 when nothing was ready or the
   * destination is full), or `null` at the source's end of stream, when it also half-closes
   * the destination (`closeWrite()`) if `propagateClose`. A chunk the destination refuses is kept and sent first
   * next time: nothing is lost.
   */
  flush(n = 4096): number | null {
    if (this.#carry) {
      if (!this.#give(this.#carry)) return 0;
      const moved = this.#carry.length;
      this.#carry = undefined;
      return moved;
    }
    const data = this.from.read(n);
    if (data === null) {
      this.#atEnd();
      return null;
    }
    if (data.length === 0) return 0;
    if (!this.#give(data)) {
      this.#carry = data;
      return 0;
    }
    this.#sample();
    return data.length;
  }

  #atEnd(): void {
    if (this.#eof) return;
    this.#eof = true;
    // Half-close once the pending writes are flushed (closeWrite() waits for that); the
    // destination's other direction may still be in use. Its failure surfaces on its next use.
    if (this.propagateClose && !this.to.closed) {
      try {
        this.to.closeWrite().catch(() => {});
      } catch {
        // Closed meanwhile: nothing left to end.
      }
    }
  }

  /**
   * True when the source is finished (end of stream seen, or `waitForOutput` is off) and
   * nothing waits to be written to the destination.
   */
  isDone(): boolean {
    return (!this.waitForOutput || this.#eof) && this.#carry === undefined && !this.to.needsWrite();
  }

  /**
   * Pumps until the source ends, honouring backpressure both ways; then half-closes the
   * destination (`closeWrite()`, when `propagateClose`) or waits until its write queue is flushed. Resolves with
   * the bytes moved by this pump. Rejects with the source's error, with `ConnectionLostError`
   * when the destination went away (EPIPE, reset), or with `signal.reason` when aborted
   * (the streams are then left open). `waitForOutput` only affects `isDone()`.
   */
  async run(signal?: AbortSignal): Promise<number> {
    signal?.throwIfAborted();
    if (this.#running) throw new TypeError('this pump is already running');
    this.#running = true;
    this.#fromStream?.readBuffer.start();
    this.#fromStream?.readBuffer.pauseAt(RUN_READ_AHEAD);
    try {
      await this.#pumpToEnd(signal);
      this.#eof = true;
      await this.#finishDestination(signal);
      return this.bytesMoved;
    } finally {
      this.#running = false;
      this.#fromStream?.readBuffer.pauseAt(undefined);
    }
  }

  #pumpToEnd(signal: AbortSignal | undefined): Promise<void> {
    const toStream = this.#toStream;
    // A `Stream` hands out its oldest chunk whole (a view, never a copy) for an unbounded read.
    const size = this.#fromStream ? Number.POSITIVE_INFINITY : GENERIC_READ;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const offs: Array<() => void> = [];
      const settle = (err?: unknown): void => {
        if (settled) return;
        settled = true;
        for (const off of offs) off();
        signal?.removeEventListener('abort', onAbort);
        if (err === undefined) resolve();
        else reject(err);
      };
      const onAbort = (): void => settle(signal?.reason);
      const step = (): void => {
        if (settled) return;
        try {
          // Bytes only enter the pump's care when the source delivers (a readiness change,
          // so a step); moving them on keeps or lowers the total: the peak is seen here.
          this.#sample();
          const failed = toStream?.failure;
          if (failed) throw failed;
          for (;;) {
            if (this.#carry) {
              if (!this.#give(this.#carry)) return;
              this.#carry = undefined;
            }
            if (!(toStream ? toStream.canOffer() : this.to.readyToWrite())) return;
            const chunk = this.from.read(size);
            if (chunk === null) {
              settle();
              return;
            }
            if (chunk.length === 0) return;
            if (toStream) {
              toStream.offer(chunk as Buffer);
              this.bytesMoved += chunk.length;
            } else if (!this.#give(chunk)) {
              this.#carry = chunk;
            }
          }
        } catch (err) {
          settle(toStreamError(err));
        }
      };
      offs.push(this.onReadiness(step));
      signal?.addEventListener('abort', onAbort, { once: true });
      step();
    });
  }

  async #finishDestination(signal: AbortSignal | undefined): Promise<void> {
    const failure = (): StreamError | undefined => this.#toStream?.failure;
    if (this.propagateClose) {
      if (!this.to.closed) await this.to.closeWrite();
    } else {
      while (this.to.needsWrite() && !failure()) {
        signal?.throwIfAborted();
        await new Promise<void>((resolve) => {
          const done = (): void => {
            off();
            signal?.removeEventListener('abort', done);
            resolve();
          };
          const off = this.to.onReadiness(done);
          signal?.addEventListener('abort', done, { once: true });
        });
      }
    }
    const failed = failure();
    if (failed) throw failed;
  }
}
