// `Stream`: one byte stream over Node streams, with dockerpty's non-blocking face and RPyC's
// awaitable face. The source runs in flowing mode into a bounded read buffer and is paused
// while that buffer is full; writes go through a bounded queue that is handed to the Node
// writable as fast as it takes them (honouring `write()`'s return value and 'drain').
import { Duplex, finished, type Readable, type Writable } from 'node:stream';
import { ChunkQueue } from './chunk-queue.js';
import { MAX_BUFFER_SIZE } from './constants.js';
import type { NodeBackedStream, ReadExactlyOptions } from './contract.js';
import {
  BufferOverflowError,
  ConnectionLostError,
  StreamClosedError,
  type StreamError,
} from './errors.js';
import type { SocketReads } from './socket-reads.js';
import { resolveSource, type StreamEnds, type StreamSource } from './source.js';
import { checkTimeoutMs, longTimeout } from './timeouts.js';
import { toBuffer } from './to-buffer.js';
import { toStreamError } from './to-stream-error.js';

/** Options of a `Stream`. */
export interface StreamOptions {
  /** Bound of the read buffer and of the write queue, in bytes. Default `MAX_BUFFER_SIZE` (1 MiB). */
  maxBufferSize?: number;
  /**
   * Turns an error of the Node streams underneath into this stream's typed error (a transport
   * knows what its socket's errors mean). Return undefined to fall back to the generic mapping.
   */
  mapError?: ((err: unknown) => StreamError | undefined) | undefined;
  /**
   * The reads of a socket created with `onread: reads.onread`: the stream takes its bytes from
   * them (the socket emits no 'data' then) and supports `readInto()`.
   */
  reads?: SocketReads | undefined;
}

const EMPTY: Buffer = Buffer.alloc(0);
// What an awaitable call that did not need to wait returns: no async-function machinery.
const DONE: Promise<void> = Promise.resolve();

/**
 * Hooks `Pump.run` uses to move whole chunks between two `Stream`s without copies and
 * without the partial-write emulation of the non-blocking face. Not exported from the index.
 * @internal
 */
export interface StreamHooks {
  /** The next buffered chunk whole; empty if none is ready, null at end of stream. */
  takeChunk(): Buffer | null;
  /** True when the destination can take a chunk now (or would fail at once). */
  canOffer(): boolean;
  /** Hands a whole chunk on; throws the stream's error if it failed. */
  offer(chunk: Buffer): void;
  /** Bytes handed to the Node writable that it has not yet passed on. */
  outstanding(): number;
  /** Pauses the source at `bytes` buffered instead of `maxBufferSize` (undefined: back to it). */
  pauseAt(bytes: number | undefined): void;
  /** The stream's failure, if any. */
  failure(): StreamError | undefined;
}

let hooksOf: (stream: Stream) => StreamHooks;

/** The package-internal hooks of `stream` (for `Pump`). @internal */
export function streamHooks(stream: Stream): StreamHooks {
  return hooksOf(stream);
}
// Slice size for writables that report no high-water mark (0): still make progress.
const FALLBACK_HWM = 16 * 1024;

function checkCount(n: number, what: string): void {
  if (!(Number.isSafeInteger(n) && n >= 0) && n !== Number.POSITIVE_INFINITY) {
    throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
  }
}

/**
 * A bidirectional byte stream over a Node `Duplex`, socket, child process, fd, or a
 * readable/writable pair. Both buffers are bounded by `maxBufferSize`.
 */
export class Stream implements NodeBackedStream {
  /** Bound of the read buffer and of the write queue, in bytes. */
  readonly maxBufferSize: number;
  readonly #readable: Readable;
  readonly #writable: Writable;
  #duplex: Duplex | undefined;
  readonly #fd: number;
  readonly #in = new ChunkQueue();
  readonly #out = new ChunkQueue();
  readonly #listeners = new Set<() => void>();
  // This stream's own awaits (iteration, writeAll, readExactly, closeWrite): called once at the
  // next readiness change, then dropped. No listener-set bookkeeping per wait.
  #waiters: Array<() => void> = [];
  readonly #mapError: ((err: unknown) => StreamError | undefined) | undefined;
  #paused = false;
  #eof = false;
  #failure: StreamError | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;
  #writeEnding = false;
  #flushScheduled = false;
  // Over a descriptor, reading starts at the first read interest, not at construction: a
  // Stream over one opened for writing (stdout) must not take bytes meant for another reader.
  #reading = false;
  // The read buffer size at which the source is paused: `maxBufferSize`, or less while a
  // pump drives this stream (a pump wants the source held back as soon as it blocks).
  #pauseAt: number;
  #writeEnded: Promise<void> | undefined;
  readonly #reads: SocketReads | undefined;
  readonly #readOnly: boolean;
  #chooseTarget: (() => Uint8Array | undefined) | undefined;

  /** Wraps `source`; see `StreamSource` for what it may be. */
  constructor(source: StreamSource, options: StreamOptions = {}) {
    const max = options.maxBufferSize ?? MAX_BUFFER_SIZE;
    if (!Number.isSafeInteger(max) || max <= 0) {
      throw new RangeError(`maxBufferSize must be a positive integer, got ${max}`);
    }
    this.maxBufferSize = max;
    this.#pauseAt = max;
    this.#mapError = options.mapError;
    const resolved = resolveSource(source);
    this.#readable = resolved.readable;
    this.#writable = resolved.writable;
    this.#duplex = resolved.duplex;
    this.#fd = resolved.fd;
    this.#readOnly = resolved.readOnly === true;
    this.#reads = options.reads;
    this.#attach();
    // A Node stream handed over is read at once (its owner already let Node read it); a
    // descriptor only at the first read interest.
    if (!resolved.lazy) this.#startReading();
  }

  /** A `Stream` reading from `readable` and writing to `writable` (pipes, child stdio). */
  static fromPair(readable: Readable, writable: Writable, options?: StreamOptions): Stream {
    return new Stream({ readable, writable } satisfies StreamEnds, options);
  }

  #attach(): void {
    const r = this.#readable;
    const w = this.#writable;
    const onError = (err: unknown): void => {
      this.#failure ??= this.#typed(err);
      this.#notify();
    };
    r.on('end', () => {
      this.#eof = true;
      this.#notify();
    });
    // Destroyed without an end: nothing more will come, so readers must not wait.
    r.on('close', () => {
      this.#eof = true;
      this.#notify();
    });
    r.on('error', onError);
    if ((w as unknown) !== r) w.on('error', onError);
    // A pump waiting for room wakes on this even when the queue was empty.
    w.on('drain', () => {
      if (this.#flush(true) === 0) this.#notify();
    });
    w.on('close', () => this.#notify());
    if (r.readableEnded || r.destroyed) this.#eof = true;
  }

  // The first read interest (read, poll, readExactly, readiness to read, iteration, a pump):
  // from now on the source flows into the read buffer.
  #startReading(): void {
    if (this.#reading) return;
    this.#reading = true;
    const r = this.#readable;
    if (this.#reads) {
      const early = this.#reads.attach({
        deliver: (chunk) => this.#arrived(chunk),
        choose: () => this.#readTarget(),
      });
      for (const chunk of early) this.#arrived(chunk);
    } else {
      r.on('data', (chunk: Buffer | Uint8Array | string) => {
        this.#arrived(Buffer.isBuffer(chunk) ? chunk : toBuffer(chunk));
      });
    }
    // A 'data' listener does not restart a readable its owner paused; this Stream reads now.
    if (!this.#eof && !this.#paused) r.resume();
  }

  #arrived(chunk: Buffer): void {
    this.#in.push(chunk);
    if (this.#in.length >= this.#pauseAt && !this.#paused) {
      this.#paused = true;
      this.#readable.pause();
    }
    this.#notify();
  }

  // Memory for the socket's next read: the reader's choice, asked only while nothing is
  // buffered (so the next bytes to arrive are exactly the ones it expects next).
  #readTarget(): Uint8Array | undefined {
    if (this.#chooseTarget === undefined || this.#in.length > 0) return undefined;
    if (this.#closed || this.#failure !== undefined || this.#eof) return undefined;
    try {
      return this.#chooseTarget();
    } catch (err) {
      // Called from inside Node's read path, where a throw would take the process down: the
      // reader's bug stops its choosing and surfaces elsewhere; reads go on in our memory.
      this.#chooseTarget = undefined;
      queueMicrotask(() => {
        throw err;
      });
      return undefined;
    }
  }

  #typed(err: unknown): StreamError {
    return this.#mapError?.(err) ?? toStreamError(err);
  }

  // Called on every chunk in and out: costs two length checks when nobody waits.
  #notify(): void {
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
        // A listener's bug must not corrupt this stream's state; surface it elsewhere.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  #changed(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
    });
  }

  #checkOpen(): void {
    if (this.#closed) throw new StreamClosedError();
  }

  #checkWritable(): void {
    this.#checkOpen();
    if (this.#readOnly) {
      throw new StreamClosedError('this stream is read-only: it was made from a Readable');
    }
    if (this.#failure) throw this.#failure;
    if (this.#writeEnding) throw new StreamClosedError('the write side has been closed');
    const w = this.#writable;
    if (w.destroyed || w.writableEnded) {
      throw new ConnectionLostError('the destination has been closed');
    }
  }

  #consumed(): void {
    if (this.#paused && this.#in.length < this.#pauseAt) {
      this.#paused = false;
      this.#readable.resume();
    }
  }

  // Hands queued bytes to the writable: at most the room below its high-water mark per pass,
  // so a small writable sees partial writes, as a non-blocking fd would. What is left goes in
  // a later pass: on 'drain' when the writable asked for it, else on the next turn of the loop.
  // On 'drain' (`wholeChunk`) at least the oldest queued chunk goes whole, as a sender writing
  // straight to the writable would do: a socket then gets one 64 KiB write per 'drain'
  // instead of four 16 KiB ones (a quarter of the system calls and wake-ups).
  #flush(wholeChunk = false): number {
    const w = this.#writable;
    let moved = 0;
    if (w.destroyed || w.writableEnded || this.#failure) return 0;
    const hwm = w.writableHighWaterMark > 0 ? w.writableHighWaterMark : FALLBACK_HWM;
    let budget = hwm - w.writableLength;
    if (wholeChunk) budget = Math.max(budget, this.#out.frontLength());
    while (this.#out.length > 0 && budget > 0) {
      const piece = this.#out.takeChunk(budget);
      budget -= piece.length;
      moved += piece.length;
      if (!w.write(piece)) break;
    }
    if (this.#out.length > 0 && !w.writableNeedDrain) this.#scheduleFlush();
    if (moved > 0) this.#notify();
    return moved;
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  // --- Selectable --------------------------------------------------------------------

  /** True when `read()` would not return an empty result: data, end of stream, an error, or closed. */
  readyToRead(): boolean {
    this.#startReading();
    return this.#in.length > 0 || this.#eof || this.#failure !== undefined || this.#closed;
  }

  /**
   * True when a write would make progress now: the Node writable is below its high-water
   * mark and the write queue has room, or the write would fail at once (closed, failed).
   */
  readyToWrite(): boolean {
    return (
      (this.#out.length < this.maxBufferSize && !this.#writable.writableNeedDrain) ||
      this.#writeBlocked()
    );
  }

  #writeBlocked(): boolean {
    const w = this.#writable;
    return (
      this.#closed ||
      this.#failure !== undefined ||
      this.#writeEnding ||
      w.destroyed ||
      w.writableEnded
    );
  }

  /** Calls `listener` whenever readiness may have changed; returns the unsubscribe function. */
  onReadiness(listener: () => void): () => void {
    const wrapped = (): void => listener();
    this.#listeners.add(wrapped);
    return () => {
      this.#listeners.delete(wrapped);
    };
  }

  // --- dockerpty's face -------------------------------------------------------------

  /** The file descriptor underneath (for TLS, the TCP socket's), or -1 when there is none (in memory). */
  fileno(): number {
    return this.#fd;
  }

  /**
   * Up to `n` buffered bytes now; empty when nothing is ready; `null` at end of stream.
   * Like a socket's `read(2)`, it may return less than is buffered: at most the rest of the
   * oldest chunk that arrived, as a view of it (never a copy), so reading costs nothing per
   * byte. Call again for more.
   * Throws the stream's error once the buffered data is read, and `StreamClosedError` after `close()`.
   */
  read(n = 4096): Buffer | null {
    this.#checkOpen();
    checkCount(n, 'n');
    this.#startReading();
    if (this.#in.length > 0 && n > 0) {
      const out = this.#in.takeChunk(n);
      this.#consumed();
      return out;
    }
    if (this.#failure) throw this.#failure;
    return this.#eof ? null : EMPTY;
  }

  /**
   * Lets the reader choose where the transport's next bytes land, so they are not copied
   * again: while nothing is buffered, before each read from the socket the stream calls
   * `choose()`; the bytes then land in the `Uint8Array` it returns (up to its length, from its
   * start) and `read()` hands them out as a view of that memory. `undefined` (from `choose`):
   * the stream's own memory. `readInto(undefined)` stops asking. One reader at a time.
   * Returns false, and does nothing, when the stream cannot (it was not made with `reads`).
   */
  readInto(choose: (() => Uint8Array | undefined) | undefined): boolean {
    if (this.#reads === undefined) return false;
    this.#chooseTarget = choose;
    if (choose !== undefined) this.#startReading();
    return true;
  }

  /**
   * Queues `data` and starts flushing it; returns `data.length`, or `undefined` for empty data.
   * Throws `BufferOverflowError` when the write queue would exceed `maxBufferSize` (the data is
   * then not taken; everything accepted before stays queued). `data` is not copied.
   */
  write(data: Uint8Array | string): number | undefined {
    this.#checkWritable();
    const buf = toBuffer(data);
    if (buf.length === 0) return undefined;
    const size = this.#out.length + buf.length;
    if (size > this.maxBufferSize) {
      throw new BufferOverflowError(
        `write of ${buf.length} bytes would exceed the ${this.maxBufferSize}-byte write buffer (${this.#out.length} bytes pending)`,
        { limit: this.maxBufferSize, size },
      );
    }
    this.#out.push(buf);
    this.#flush();
    return buf.length;
  }

  /** Hands as much queued data as the destination takes now; returns the bytes handed on. */
  doWrite(): number {
    this.#checkOpen();
    return this.#flush();
  }

  /** True while written data waits in the write queue. */
  needsWrite(): boolean {
    return this.#out.length > 0;
  }

  // --- RPyC's face ------------------------------------------------------------------

  /**
   * Resolves with exactly `n` bytes; rejects with `ConnectionLostError` if the stream ends
   * first. `n` is bounded by `options.maxBytes` (default `maxBufferSize`): a larger `n` (a
   * length a peer announced, say) rejects with `BufferOverflowError` before anything is
   * allocated.
   */
  readExactly(n: number, options?: ReadExactlyOptions): Promise<Buffer> {
    try {
      this.#checkOpen();
      checkCount(n, 'n');
      if (n === Number.POSITIVE_INFINITY) throw new RangeError('n must be finite');
      const limit = options?.maxBytes ?? this.maxBufferSize;
      if (n > limit) {
        throw new BufferOverflowError(
          `readExactly(${n}) exceeds its ${limit}-byte bound (pass { maxBytes } to read more at once)`,
          { limit, size: n },
        );
      }
      if (n === 0) return Promise.resolve(EMPTY);
      this.#startReading();
      // Already buffered (a frame header, usually): no async-function machinery.
      if (this.#in.length >= n) {
        const out = this.#in.take(n);
        this.#consumed();
        return Promise.resolve(out);
      }
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#readExactlySlowly(n);
  }

  async #readExactlySlowly(n: number): Promise<Buffer> {
    // Collect piecewise: `n` may exceed the read bound, which pauses the source when full.
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    for (;;) {
      this.#checkOpen();
      while (this.#in.length > 0 && filled < n) {
        filled += this.#in.takeChunk(n - filled).copy(out, filled);
      }
      this.#consumed();
      if (filled === n) return out;
      if (this.#failure) throw this.#failure;
      if (this.#eof) {
        throw new ConnectionLostError(`stream ended after ${filled} of ${n} expected bytes`);
      }
      await this.#changed();
    }
  }

  /** Resolves true when data is ready or the peer hung up (or failed), false after `timeoutMs`. */
  async poll(timeoutMs = 0): Promise<boolean> {
    this.#checkOpen();
    checkTimeoutMs(timeoutMs, 'poll');
    this.#startReading();
    const ready = (): boolean => this.#in.length > 0 || this.#eof || this.#failure !== undefined;
    if (ready() || timeoutMs === 0) return ready();
    return new Promise((resolve, reject) => {
      const finish = (): void => {
        off();
        cancel?.();
        if (this.#closed) reject(new StreamClosedError());
        else resolve(ready());
      };
      const off = this.onReadiness(() => {
        if (ready() || this.#closed) finish();
      });
      const cancel =
        timeoutMs === Number.POSITIVE_INFINITY ? undefined : longTimeout(timeoutMs, finish);
    });
  }

  /**
   * Resolves once all of `data` is accepted within the write bound, waiting while the
   * destination applies backpressure. Whole chunks go straight to an idle destination.
   */
  writeAll(data: Uint8Array | string): Promise<void> {
    let rest: Buffer;
    try {
      rest = this.#place(toBuffer(data));
    } catch (err) {
      return Promise.reject(err);
    }
    // Not an async function: when everything was taken at once (the usual case) no promise
    // machinery runs; only a write that has to wait for room pays for it.
    return rest.length === 0 ? DONE : this.#writeAllSlowly(rest);
  }

  // Places as much of `buf` as fits now (straight into an idle destination, else into the
  // write queue); returns what is left.
  #place(data: Buffer): Buffer {
    let buf = data;
    for (;;) {
      this.#checkWritable();
      if (buf.length === 0) return buf;
      const w = this.#writable;
      if (this.#out.length === 0 && !w.writableNeedDrain) {
        const piece = buf.length > this.maxBufferSize ? buf.subarray(0, this.maxBufferSize) : buf;
        w.write(piece);
        if (piece === buf) return EMPTY;
        buf = buf.subarray(piece.length);
        continue;
      }
      const room = this.maxBufferSize - this.#out.length;
      if (room <= 0) return buf;
      const piece = buf.length > room ? buf.subarray(0, room) : buf;
      this.#out.push(piece);
      this.#flush();
      if (piece === buf) return EMPTY;
      buf = buf.subarray(piece.length);
    }
  }

  // Waits for room: one promise per wait, settled from the readiness change itself.
  #writeAllSlowly(data: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      let buf = data;
      const retry = (): void => {
        try {
          buf = this.#place(buf);
        } catch (err) {
          reject(err);
          return;
        }
        if (buf.length === 0) resolve();
        else this.#waiters.push(retry);
      };
      this.#waiters.push(retry);
    });
  }

  /** Half-close: flushes the write queue, then ends the writing side. Reading goes on. */
  closeWrite(): Promise<void> {
    this.#checkOpen();
    this.#writeEnded ??= this.#endWrite();
    return this.#writeEnded;
  }

  async #endWrite(): Promise<void> {
    this.#writeEnding = true;
    this.#notify();
    while (this.#out.length > 0 && !this.#failure && !this.#writable.destroyed) {
      await this.#changed();
    }
    if (this.#failure) throw this.#failure;
    const w = this.#writable;
    if (!w.writableEnded && !w.destroyed) w.end();
    await new Promise<void>((resolve, reject) => {
      finished(w, { readable: false }, (err) => {
        if (err && !w.writableFinished) reject(this.#typed(err));
        else resolve();
      });
    });
  }

  /**
   * Flushes pending writes, ends the writing side, then releases the Node streams. Resolves
   * when done, even if the peer went away meanwhile. Idempotent; afterwards every I/O call
   * fails with `StreamClosedError`.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    this.#closing = (async () => {
      try {
        this.#writeEnded ??= this.#endWrite();
        this.#notify();
        await this.#writeEnded;
      } catch {
        // The peer is gone; there is nothing left to flush to.
      } finally {
        this.destroy();
      }
    })();
    return this.#closing;
  }

  /** Closes at once, dropping pending writes (for a peer that will never read them). */
  destroy(): void {
    this.#closed = true;
    this.#readable.destroy();
    if ((this.#writable as unknown) !== this.#readable) this.#writable.destroy();
    this.#out.clear();
    this.#notify();
  }

  /** True once `close()` (or `destroy()`) was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes waiting in the read buffer. */
  get bufferedReadBytes(): number {
    return this.#in.length;
  }

  /** Bytes waiting in the write queue (not yet handed to the Node writable). */
  get bufferedWriteBytes(): number {
    return this.#out.length;
  }

  /**
   * The Node stream underneath. For a readable/writable pair (child stdio, pipes) there is
   * none: this is then a `Duplex` that writes through to the writable and reads nothing
   * (the Stream consumes the readable); see `nodeReadable` / `nodeWritable`.
   */
  get underlying(): Duplex {
    if (!this.#duplex) {
      this.#duplex = writeThrough(this.#writable);
    }
    return this.#duplex;
  }

  /** The Node readable bytes come from. */
  get nodeReadable(): Readable {
    return this.#readable;
  }

  /** The Node writable bytes go to. */
  get nodeWritable(): Writable {
    return this.#writable;
  }

  /**
   * Yields chunks as they arrive, until end of stream; ends quietly when this side closes.
   * A buffered chunk comes back at once; a promise is made only when the reader must wait.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<Buffer> & AsyncDisposable {
    this.#startReading();
    type Result = IteratorResult<Buffer, undefined>;
    const doneResult: Result = { done: true, value: undefined };
    let finished = false;
    // The pending `next()` while the buffer is empty; later calls queue behind it.
    let pending: Promise<Result> | undefined;
    let settle: ((result: Result) => void) | undefined;
    let fail: ((err: unknown) => void) | undefined;
    // The next result if there is one now; undefined when the reader has to wait.
    const poll = (): Result | undefined => {
      if (finished || this.#closed) {
        finished = true;
        return doneResult;
      }
      if (this.#in.length > 0) {
        const chunk = this.#in.takeChunk();
        this.#consumed();
        return { done: false, value: chunk };
      }
      if (this.#failure) {
        finished = true;
        throw this.#failure;
      }
      if (this.#eof) {
        finished = true;
        return doneResult;
      }
      return undefined;
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
        this.#waiters.push(retry);
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
        this.#waiters.push(retry);
        return pending;
      },
      return: (): Promise<Result> => {
        finished = true;
        retry();
        return Promise.resolve(doneResult);
      },
      [Symbol.asyncIterator]: () => iterator,
      [Symbol.asyncDispose]: async (): Promise<void> => {
        finished = true;
        retry();
      },
    };
    return iterator;
  }

  /** `await using stream = new Stream(...)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // --- package-internal hooks for Pump ------------------------------------------------

  static {
    hooksOf = (stream: Stream): StreamHooks => ({
      takeChunk: () => {
        stream.#checkOpen();
        stream.#startReading();
        if (stream.#in.length > 0) {
          const chunk = stream.#in.takeChunk();
          stream.#consumed();
          return chunk;
        }
        if (stream.#failure) throw stream.#failure;
        return stream.#eof ? null : EMPTY;
      },
      canOffer: () =>
        (stream.#out.length === 0 && !stream.#writable.writableNeedDrain) || stream.#writeBlocked(),
      offer: (chunk: Buffer) => {
        stream.#checkWritable();
        if (stream.#out.length === 0) stream.#writable.write(chunk);
        else stream.#out.push(chunk);
      },
      outstanding: () => stream.#writable.writableLength,
      pauseAt: (bytes: number | undefined) => {
        if (bytes !== undefined) stream.#startReading();
        stream.#pauseAt = Math.min(bytes ?? stream.maxBufferSize, stream.maxBufferSize);
        if (!stream.#paused && stream.#in.length >= stream.#pauseAt) {
          stream.#paused = true;
          stream.#readable.pause();
        }
        stream.#consumed();
      },
      failure: () => stream.#failure,
    });
  }
}

function writeThrough(writable: Writable): Duplex {
  return new Duplex({
    read() {},
    write(chunk, encoding, callback) {
      writable.write(chunk, encoding, callback);
    },
    final(callback) {
      writable.end(callback);
    },
  });
}
