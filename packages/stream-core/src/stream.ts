// `Stream`: one byte stream over Node streams, with dockerpty's non-blocking face and RPyC's
// awaitable face. A facade over two parts: a `ReadBuffer` (the source flows into a bounded
// buffer, paused while it is full) and a `WriteQueue` (a bounded queue handed to the Node
// writable as fast as it takes it, honouring `write()`'s return value and 'drain').
import type { Duplex, Readable, Writable } from 'node:stream';
import { placeAll, pollReadable, readExactlySlowly } from './awaits.js';
import { chunkIterator } from './chunk-iterator.js';
import { MAX_BUFFER_SIZE } from './constants.js';
import type { NodeBackedStream, ReadExactlyOptions } from './contract.js';
import {
  BufferOverflowError,
  ConnectionLostError,
  StreamClosedError,
  type StreamError,
} from './errors.js';
import { assertKnownOptions } from './known-options.js';
import { ReadBuffer } from './read-buffer.js';
import { Readiness } from './readiness.js';
import { resolveSource, type StreamEnds, type StreamSource, writeThrough } from './source.js';
import type { StreamOptions } from './stream-options.js';
import { checkTimeoutMs } from './timeouts.js';
import { toBuffer } from './to-buffer.js';
import { toStreamError } from './to-stream-error.js';
import { WriteQueue } from './write-queue.js';

export type { StreamOptions } from './stream-options.js';

/** Where a `Stream` is: usable, failed (its Node stream reported an error), or closed locally. */
export type StreamState = 'open' | 'failed' | 'closed';

const STREAM_OPTIONS: readonly string[] = ['maxBufferSize', 'mapError', 'reads'];
const EMPTY: Buffer = Buffer.alloc(0);
// What an awaitable call that did not need to wait returns: no async-function machinery.
const DONE: Promise<void> = Promise.resolve();

function checkCount(n: number, what: string): void {
  if (!(Number.isSafeInteger(n) && n >= 0) && n !== Number.POSITIVE_INFINITY) {
    throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
  }
}

/**
 * A bidirectional byte stream over a Node `Duplex`, socket, child process, fd, a Readable
 * (read-only) or a readable/writable pair. Both buffers are bounded by `maxBufferSize`.
 */
export class Stream implements NodeBackedStream {
  /** Bound of the read buffer and of the write queue, in bytes. */
  readonly maxBufferSize: number;
  /** The read side (package-internal: `Pump` drives it). @internal */
  readonly readBuffer: ReadBuffer;
  /** The write side (package-internal: `Pump` drives it). @internal */
  readonly writeQueue: WriteQueue;
  readonly #readable: Readable;
  readonly #writable: Writable;
  #duplex: Duplex | undefined;
  readonly #fd: number;
  readonly #readOnly: boolean;
  readonly #readiness = new Readiness();
  readonly #mapError: ((err: unknown) => StreamError | undefined) | undefined;
  #failure: StreamError | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  /** Wraps `source`; see `StreamSource` for what it may be. */
  constructor(source: StreamSource, options: StreamOptions = {}) {
    // A subclass (a transport's stream) takes options of its own and checks them itself.
    if (new.target === Stream) assertKnownOptions(options, STREAM_OPTIONS, 'new Stream()');
    const max = options.maxBufferSize ?? MAX_BUFFER_SIZE;
    if (!Number.isSafeInteger(max) || max <= 0) {
      throw new RangeError(`maxBufferSize must be a positive integer, got ${max}`);
    }
    this.maxBufferSize = max;
    this.#mapError = options.mapError;
    const resolved = resolveSource(source);
    this.#readable = resolved.readable;
    this.#writable = resolved.writable;
    this.#duplex = resolved.duplex;
    this.#fd = resolved.fd;
    this.#readOnly = resolved.readOnly === true;
    const notify = (): void => this.#readiness.notify();
    this.readBuffer = new ReadBuffer(this.#readable, {
      maxBufferSize: max,
      reads: options.reads,
      notify,
      mayChoose: () => !this.#closed && this.#failure === undefined,
    });
    this.writeQueue = new WriteQueue(this.#writable, {
      maxBufferSize: max,
      notify,
      failure: () => this.#failure,
      check: () => this.#checkWritable(),
      changed: () => this.#readiness.changed(),
      typed: (err) => this.#typed(err),
    });
    this.#attach();
    // A Node stream handed over is read at once (its owner already let Node read it); a
    // descriptor only at the first read interest.
    if (!resolved.lazy) this.readBuffer.start();
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
      this.#readiness.notify();
    };
    // 'close' without 'end' (destroyed): nothing more will come, so readers must not wait.
    const ended = (): void => {
      this.readBuffer.markEnded();
      this.#readiness.notify();
    };
    r.on('end', ended);
    r.on('close', ended);
    r.on('error', onError);
    if ((w as unknown) !== r) w.on('error', onError);
    // A pump waiting for room wakes on this even when the queue was empty.
    w.on('drain', () => this.writeQueue.drained());
    w.on('close', () => this.#readiness.notify());
  }

  #typed(err: unknown): StreamError {
    return this.#mapError?.(err) ?? toStreamError(err);
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
    if (this.writeQueue.state !== 'open') {
      throw new StreamClosedError('the write side has been closed');
    }
    if (this.writeQueue.gone) throw new ConnectionLostError('the destination has been closed');
  }

  /** True when a write would fail at once (closed, failed, write side ended or gone). */
  #writeBlocked(): boolean {
    return (
      this.#closed ||
      this.#failure !== undefined ||
      this.writeQueue.state !== 'open' ||
      this.writeQueue.gone
    );
  }

  /** Where the stream is: `'open'`, `'failed'` (see `failure`) or `'closed'`. */
  get state(): StreamState {
    if (this.#closed) return 'closed';
    return this.#failure === undefined ? 'open' : 'failed';
  }

  /** The typed error the Node streams underneath reported, if any. */
  get failure(): StreamError | undefined {
    return this.#failure;
  }

  // --- Selectable --------------------------------------------------------------------

  /** True when `read()` would not return an empty result: data, end of stream, an error, or closed. */
  readyToRead(): boolean {
    this.readBuffer.start();
    const read = this.readBuffer;
    return read.length > 0 || read.ended || this.#failure !== undefined || this.#closed;
  }

  /**
   * True when a write would make progress now: the Node writable is below its high-water
   * mark and the write queue has room, or the write would fail at once (closed, failed).
   */
  readyToWrite(): boolean {
    return this.writeQueue.hasRoom() || this.#writeBlocked();
  }

  /** True when `Pump` can hand a whole chunk on now (or the write would fail at once). @internal */
  canOffer(): boolean {
    return this.writeQueue.idle() || this.#writeBlocked();
  }

  /** Hands a whole chunk on, not copied, past the non-blocking face's slicing. @internal */
  offer(chunk: Buffer): void {
    this.#checkWritable();
    this.writeQueue.offer(chunk);
  }

  /** Calls `listener` whenever readiness may have changed; returns the unsubscribe function. */
  onReadiness(listener: () => void): () => void {
    return this.#readiness.listen(listener);
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
    const read = this.readBuffer;
    read.start();
    if (read.length > 0 && n > 0) return read.takeChunk(n);
    if (this.#failure) throw this.#failure;
    return read.ended ? null : EMPTY;
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
    return this.readBuffer.choose(choose);
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
    this.writeQueue.push(buf);
    return buf.length;
  }

  /**
   * A gathered write: queues every part (all or none: `BufferOverflowError` past the bound)
   * and hands them on corked until the end of the tick, so a socket sends them with one
   * system call. Returns the bytes queued, or `undefined` when there were none.
   */
  writev(parts: readonly (Uint8Array | string)[]): number | undefined {
    this.#checkWritable();
    const total = this.writeQueue.pushAll(parts.map(toBuffer));
    return total === 0 ? undefined : total;
  }

  /** Hands as much queued data as the destination takes now; returns the bytes handed on. */
  doWrite(): number {
    this.#checkOpen();
    return this.writeQueue.flush();
  }

  /** True while written data waits in the write queue. */
  needsWrite(): boolean {
    return this.writeQueue.length > 0;
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
      this.readBuffer.start();
      // Already buffered (a frame header, usually): no async-function machinery.
      if (this.readBuffer.length >= n) return Promise.resolve(this.readBuffer.take(n));
    } catch (err) {
      return Promise.reject(err);
    }
    return readExactlySlowly(this, this.#readiness, n);
  }

  /** Resolves true when data is ready or the peer hung up (or failed), false after `timeoutMs`. */
  async poll(timeoutMs = 0): Promise<boolean> {
    this.#checkOpen();
    checkTimeoutMs(timeoutMs, 'poll');
    this.readBuffer.start();
    return pollReadable(this, this.#readiness, timeoutMs);
  }

  /**
   * Resolves once all of `data` is accepted within the write bound, waiting while the
   * destination applies backpressure. Whole chunks go straight to an idle destination.
   */
  writeAll(data: Uint8Array | string): Promise<void> {
    let rest: Buffer;
    try {
      rest = this.writeQueue.place(toBuffer(data));
    } catch (err) {
      return Promise.reject(err);
    }
    // Not an async function: when everything was taken at once (the usual case) no promise
    // machinery runs; only a write that has to wait for room pays for it.
    return rest.length === 0 ? DONE : placeAll(this.writeQueue, this.#readiness, rest);
  }

  /** `writeAll` of every part in order, corked until the end of the tick (one system call). */
  writeAllv(parts: readonly (Uint8Array | string)[]): Promise<void> {
    try {
      this.#checkWritable();
    } catch (err) {
      return Promise.reject(err);
    }
    this.writeQueue.cork();
    let last: Promise<void> = DONE;
    for (const part of parts)
      last = last === DONE ? this.writeAll(part) : last.then(() => this.writeAll(part));
    return last;
  }

  /** Half-close: flushes the write queue, then ends the writing side. Reading goes on. */
  closeWrite(): Promise<void> {
    this.#checkOpen();
    return this.writeQueue.end();
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
        const ending = this.writeQueue.end();
        this.#readiness.notify();
        await ending;
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
    this.writeQueue.clear();
    this.#readiness.notify();
  }

  /** True once `close()` (or `destroy()`) was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes waiting in the read buffer. */
  get bufferedReadBytes(): number {
    return this.readBuffer.length;
  }

  /** Bytes waiting in the write queue (not yet handed to the Node writable). */
  get bufferedWriteBytes(): number {
    return this.writeQueue.length;
  }

  /** Bytes that arrived from the source so far. */
  get bytesRead(): number {
    return this.readBuffer.bytesRead;
  }

  /** Bytes handed to the Node writable so far. */
  get bytesWritten(): number {
    return this.writeQueue.bytesWritten;
  }

  /**
   * The Node stream underneath. For a readable/writable pair (child stdio, pipes) there is
   * none: this is then a `Duplex` that writes through to the writable and reads nothing
   * (the Stream consumes the readable); see `nodeReadable` / `nodeWritable`.
   */
  get underlying(): Duplex {
    this.#duplex ??= writeThrough(this.#writable);
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
    const read = this.readBuffer;
    read.start();
    return chunkIterator({
      next: () => {
        if (this.#closed) return null;
        if (read.length > 0) return read.takeChunk();
        if (this.#failure) throw this.#failure;
        return read.ended ? null : undefined;
      },
      wait: (retry) => this.#readiness.once(retry),
    });
  }

  /** `await using stream = new Stream(...)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
