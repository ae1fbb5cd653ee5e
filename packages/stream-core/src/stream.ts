// `Stream`: one byte stream over Node streams, with dockerpty's non-blocking face and RPyC's
// awaitable face. A facade over its parts: a `ReadBuffer` (the source flows into a bounded
// buffer, paused while it is full), a `WriteQueue` (a bounded queue handed to the Node
// writable as fast as it takes it, honouring `write()`'s return value and 'drain') and a
// `Lifecycle` (its named state).
import type { Duplex, Readable, Writable } from 'node:stream';
import { pollReadable, readExactly, writeAll, writeAllv } from './awaits.js';
import { checkCount } from './byte-counts.js';
import { streamChunks } from './chunk-iterator.js';
import type { NodeBackedStream, ReadExactlyOptions } from './contract.js';
import { StreamClosedError, type StreamError } from './errors.js';
import { Lifecycle, type StreamState } from './lifecycle.js';
import { listenToNodeStreams } from './node-events.js';
import { ReadBuffer } from './read-buffer.js';
import { Readiness } from './readiness.js';
import { type ResolvedSource, resolveSource, type StreamSource, writeThrough } from './source.js';
import { checkStreamOptions, type StreamOptions } from './stream-options.js';
import { checkTimeoutMs } from './timeouts.js';
import { toBuffer } from './to-buffer.js';
import { toStreamError } from './to-stream-error.js';
import { WriteQueue } from './write-queue.js';

export type { StreamState } from './lifecycle.js';
export type { StreamOptions } from './stream-options.js';

const EMPTY: Buffer = Buffer.alloc(0);

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
  readonly #source: ResolvedSource;
  readonly #life: Lifecycle;
  readonly #readiness = new Readiness();

  /** Wraps `source`; see `StreamSource` for what it may be. */
  constructor(source: StreamSource, options: StreamOptions = {}) {
    const max = checkStreamOptions(options, new.target === Stream);
    this.maxBufferSize = max;
    const resolved = resolveSource(source);
    this.#source = resolved;
    const life = new Lifecycle(resolved.readOnly === true);
    this.#life = life;
    const { mapError } = options;
    const typed = (err: unknown): StreamError => mapError?.(err) ?? toStreamError(err);
    const notify = (): void => this.#readiness.notify();
    this.readBuffer = new ReadBuffer(resolved.readable, {
      maxBufferSize: max,
      reads: options.reads,
      notify,
      mayChoose: () => life.state === 'open',
    });
    this.writeQueue = new WriteQueue(resolved.writable, {
      maxBufferSize: max,
      notify,
      failure: () => life.failure,
      check: () => life.checkWritable(this.writeQueue),
      changed: () => this.#readiness.changed(),
      typed,
    });
    listenToNodeStreams(resolved.readable, resolved.writable, {
      life,
      readBuffer: this.readBuffer,
      writeQueue: this.writeQueue,
      readiness: this.#readiness,
      typed,
    });
    // A Node stream handed over is read at once (its owner already let Node read it); a
    // descriptor only at the first read interest.
    if (!resolved.lazy) this.readBuffer.start();
  }

  /** A `Stream` reading from `readable` and writing to `writable` (pipes, child stdio). */
  static fromPair(readable: Readable, writable: Writable, options?: StreamOptions): Stream {
    return new Stream({ readable, writable }, options);
  }

  /** Where the stream is: `'open'`, `'failed'` (see `failure`) or `'closed'`. */
  get state(): StreamState {
    return this.#life.state;
  }

  /** The typed error the Node streams underneath reported, if any. */
  get failure(): StreamError | undefined {
    return this.#life.failure;
  }

  // --- Selectable --------------------------------------------------------------------

  /** True when `read()` would not return an empty result: data, end of stream, an error, or closed. */
  readyToRead(): boolean {
    const read = this.readBuffer;
    read.start();
    return read.length > 0 || read.ended || this.#life.state !== 'open';
  }

  /**
   * True when a write would make progress now: the Node writable is below its high-water
   * mark and the write queue has room, or the write would fail at once (closed, failed).
   */
  readyToWrite(): boolean {
    return this.writeQueue.hasRoom() || this.#life.writeBlocked(this.writeQueue);
  }

  /** True when `Pump` can hand a whole chunk on now (or the write would fail at once). @internal */
  canOffer(): boolean {
    return this.writeQueue.idle() || this.#life.writeBlocked(this.writeQueue);
  }

  /** Hands a whole chunk on, not copied, past the non-blocking face's slicing. @internal */
  offer(chunk: Buffer): void {
    this.#life.checkWritable(this.writeQueue);
    this.writeQueue.offer(chunk);
  }

  /** Calls `listener` whenever readiness may have changed; returns the unsubscribe function. */
  onReadiness(listener: () => void): () => void {
    return this.#readiness.listen(listener);
  }

  // --- dockerpty's face -------------------------------------------------------------

  /** The file descriptor underneath (for TLS, the TCP socket's), or -1 when there is none (in memory). */
  fileno(): number {
    return this.#source.fd;
  }

  /**
   * Up to `n` buffered bytes now; empty when nothing is ready; `null` at end of stream.
   * Like a socket's `read(2)`, it may return less than is buffered: at most the rest of the
   * oldest chunk that arrived, as a view of it (never a copy), so reading costs nothing per
   * byte. Call again for more.
   * Throws the stream's error once the buffered data is read, and `StreamClosedError` after `close()`.
   */
  read(n = 4096): Buffer | null {
    this.#life.checkOpen();
    checkCount(n, 'n');
    const read = this.readBuffer;
    read.start();
    if (read.length > 0 && n > 0) return read.takeChunk(n);
    const failure = this.#life.failure;
    if (failure) throw failure;
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
    this.#life.checkWritable(this.writeQueue);
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
    this.#life.checkWritable(this.writeQueue);
    const total = this.writeQueue.pushAll(parts.map(toBuffer));
    return total === 0 ? undefined : total;
  }

  /** Hands as much queued data as the destination takes now; returns the bytes handed on. */
  doWrite(): number {
    this.#life.checkOpen();
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
    if (this.#life.closed) return Promise.reject(new StreamClosedError());
    return readExactly(this, this.#readiness, n, options?.maxBytes ?? this.maxBufferSize);
  }

  /** Resolves true when data is ready or the peer hung up (or failed), false after `timeoutMs`. */
  async poll(timeoutMs = 0): Promise<boolean> {
    this.#life.checkOpen();
    checkTimeoutMs(timeoutMs, 'poll');
    this.readBuffer.start();
    return pollReadable(this, this.#readiness, timeoutMs);
  }

  /**
   * Resolves once all of `data` is accepted within the write bound, waiting while the
   * destination applies backpressure. Whole chunks go straight to an idle destination.
   */
  writeAll(data: Uint8Array | string): Promise<void> {
    return writeAll(this.writeQueue, this.#readiness, data);
  }

  /** `writeAll` of every part in order, corked until the end of the tick (one system call). */
  writeAllv(parts: readonly (Uint8Array | string)[]): Promise<void> {
    try {
      this.#life.checkWritable(this.writeQueue);
    } catch (err) {
      return Promise.reject(err);
    }
    return writeAllv(this.writeQueue, this.#readiness, parts);
  }

  /** Half-close: flushes the write queue, then ends the writing side. Reading goes on. */
  closeWrite(): Promise<void> {
    this.#life.checkOpen();
    return this.writeQueue.end();
  }

  /**
   * Flushes pending writes, ends the writing side, then releases the Node streams. Resolves
   * when done, even if the peer went away meanwhile. Idempotent; afterwards every I/O call
   * fails with `StreamClosedError`.
   */
  close(): Promise<void> {
    return this.#life.closeAfterFlush(this.writeQueue, this.#readiness, () => this.destroy());
  }

  /** Closes at once, dropping pending writes (for a peer that will never read them). */
  destroy(): void {
    this.#life.close();
    const { readable, writable } = this.#source;
    readable.destroy();
    if ((writable as unknown) !== readable) writable.destroy();
    this.writeQueue.clear();
    this.#readiness.notify();
  }

  /** True once `close()` (or `destroy()`) was called. */
  get closed(): boolean {
    return this.#life.closed;
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
    this.#source.duplex ??= writeThrough(this.#source.writable);
    return this.#source.duplex;
  }

  /** The Node readable bytes come from. */
  get nodeReadable(): Readable {
    return this.#source.readable;
  }

  /** The Node writable bytes go to. */
  get nodeWritable(): Writable {
    return this.#source.writable;
  }

  /**
   * Yields chunks as they arrive, until end of stream; ends quietly when this side closes.
   * A buffered chunk comes back at once; a promise is made only when the reader must wait.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<Buffer> & AsyncDisposable {
    return streamChunks(this.readBuffer, this.#life, this.#readiness);
  }

  /** `await using stream = new Stream(...)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
