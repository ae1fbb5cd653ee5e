// The write side of a `Stream`: a bounded queue of chunks handed to the Node writable as fast
// as it takes them, honouring `write()`'s return value and 'drain'. A gathered write
// (`writev`) corks the writable until the end of the tick, so a socket sends its parts with
// one system call.
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ChunkQueue } from './chunk-queue.js';
import { BufferOverflowError, type StreamError } from './errors.js';

/** Where the write side is: taking writes, flushing before its end, or ended. */
export type WriteState = 'open' | 'ending' | 'ended';

/** What a `WriteQueue` needs from its stream. @internal */
export interface WriteQueueOptions {
  /** The bound of the queue. */
  maxBufferSize: number;
  /** Called when bytes were handed on or room may have appeared. */
  notify: () => void;
  /** The stream's failure, if any (nothing is flushed after it). */
  failure: () => StreamError | undefined;
  /** Throws the error a write must fail with now (closed, failed, read-only, gone), if any. */
  check: () => void;
  /** Resolves at the stream's next readiness change. */
  changed: () => Promise<void>;
  /** A Node error as the stream's typed error. */
  typed: (err: unknown) => StreamError;
}

// Slice size for writables that report no high-water mark (0): still make progress.
const FALLBACK_HWM = 16 * 1024;
const EMPTY: Buffer = Buffer.alloc(0);

/** The write queue of a `Stream`. @internal */
export class WriteQueue {
  readonly #writable: Writable;
  readonly #queue = new ChunkQueue();
  readonly #options: WriteQueueOptions;
  readonly #max: number;
  // A TLS socket (`encrypted`, as Node documents for telling one apart): written at its mark.
  readonly #atMark: boolean;
  #state: WriteState = 'open';
  #ended: Promise<void> | undefined;
  #flushScheduled = false;
  #drainScheduled = false;
  #corked = false;
  #bytesWritten = 0;

  constructor(writable: Writable, options: WriteQueueOptions) {
    this.#writable = writable;
    this.#options = options;
    this.#max = options.maxBufferSize;
    this.#atMark = 'encrypted' in writable && writable.encrypted === true;
  }

  /** Where the write side is. */
  get state(): WriteState {
    return this.#state;
  }

  /** Bytes queued, not yet handed to the Node writable. */
  get length(): number {
    return this.#queue.length;
  }

  /** Bytes handed to the Node writable so far. */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** Bytes the Node writable holds and has not passed on yet. */
  outstanding(): number {
    return this.#writable.writableLength;
  }

  /** True when the Node writable is gone (destroyed or ended). */
  get gone(): boolean {
    const w = this.#writable;
    return w.destroyed || w.writableEnded;
  }

  /** True when a write would make progress now: room in the queue and in the writable. */
  hasRoom(): boolean {
    return this.#queue.length < this.#max && !this.#writable.writableNeedDrain;
  }

  /** True when a whole chunk can go straight to the writable (nothing queued, no 'drain' due). */
  idle(): boolean {
    return this.#queue.length === 0 && !this.#writable.writableNeedDrain;
  }

  #write(piece: Buffer): boolean {
    this.#bytesWritten += piece.length;
    return this.#writable.write(piece);
  }

  /** Queues `buf` (not copied) and starts flushing; `BufferOverflowError` past the bound. */
  push(buf: Buffer): void {
    const size = this.#queue.length + buf.length;
    if (size > this.#max) {
      throw new BufferOverflowError(
        `write of ${buf.length} bytes would exceed the ${this.#max}-byte write buffer (${this.#queue.length} bytes pending)`,
        { limit: this.#max, size },
      );
    }
    this.#queue.push(buf);
    this.flush();
  }

  /** Queues every part, all or none (`BufferOverflowError` past the bound), corked for the tick. */
  pushAll(parts: readonly Buffer[]): number {
    let total = 0;
    for (const p of parts) total += p.length;
    const size = this.#queue.length + total;
    if (size > this.#max) {
      throw new BufferOverflowError(
        `gathered write of ${total} bytes would exceed the ${this.#max}-byte write buffer (${this.#queue.length} bytes pending)`,
        { limit: this.#max, size },
      );
    }
    this.cork();
    if (this.#takesStraight(total)) {
      for (const p of parts) if (p.length > 0) this.#write(p);
      return total;
    }
    for (const p of parts) if (p.length > 0) this.#queue.push(p);
    this.flush();
    return total;
  }

  /** Corks the writable until the end of this tick (one system call for what is written meanwhile). */
  cork(): void {
    if (this.#corked) return;
    this.#corked = true;
    this.#writable.cork();
    process.nextTick(() => {
      this.#corked = false;
      this.#writable.uncork();
    });
  }

  // Whether `size` bytes may go straight to the writable, past its high-water mark: only with
  // nothing queued (order), and while the writable holds no more than this queue's bound.
  // Why: a sender writing straight to a socket keeps up to its bound in flight; a queue that
  // handed on one high-water mark (16 KiB) per 'drain' capped bulk senders (the channel's
  // 64 KiB messages) well below the socket, and cut their gathered writes into pieces.
  // Not for a TLS socket: what it holds past its mark is merged into one buffer and encrypted
  // on this thread ahead of need, not handed to the kernel. With both ends in one process
  // that cost 30% more CPU than writing at the mark (transports benchmark, TLS 0.65-0.75x of
  // a raw TLS socket), and apart it gains nothing.
  #takesStraight(size: number): boolean {
    if (this.#queue.length > 0) return false;
    const w = this.#writable;
    if (!w.writableNeedDrain) return true;
    return !this.#atMark && w.writableLength + size <= this.#max;
  }

  /** Hands a whole chunk on, straight to an idle writable; the stream checked it may write. */
  offer(chunk: Buffer): void {
    if (this.#queue.length === 0) this.#write(chunk);
    else this.#queue.push(chunk);
  }

  /**
   * Places as much of `data` as fits now (straight into an idle writable, else into the
   * queue); returns what is left. Throws what `check` throws.
   */
  place(data: Buffer): Buffer {
    let buf = data;
    for (;;) {
      this.#options.check();
      if (buf.length === 0) return buf;
      if (this.#takesStraight(Math.min(buf.length, this.#max))) {
        const piece = buf.length > this.#max ? buf.subarray(0, this.#max) : buf;
        this.#write(piece);
        if (piece === buf) return EMPTY;
        buf = buf.subarray(piece.length);
        continue;
      }
      const room = this.#max - this.#queue.length;
      // A chunk within the bound waits for room for all of it: cut, it would cost two writes
      // where one was asked for (and a frame would leave in two pieces).
      if (room <= 0 || (room < buf.length && buf.length <= this.#max)) return buf;
      const piece = buf.length > room ? buf.subarray(0, room) : buf;
      this.#queue.push(piece);
      this.flush();
      if (piece === buf) return EMPTY;
      buf = buf.subarray(piece.length);
    }
  }

  // Hands queued bytes to the writable: at most the room below its high-water mark per pass,
  // so a small writable sees partial writes, as a non-blocking fd would. What is left goes in
  // a later pass: on 'drain' when the writable asked for it, else on the next turn of the loop.
  // On 'drain' (`wholeChunk`) queued chunks go whole, at least the oldest, as a sender writing
  // straight to the writable would do: a socket then gets one 64 KiB write per 'drain'
  // instead of four 16 KiB ones (a quarter of the system calls and wake-ups).
  /** Hands queued bytes on; returns the bytes handed on. */
  flush(wholeChunk = false): number {
    const w = this.#writable;
    let moved = 0;
    if (w.destroyed || w.writableEnded || this.#options.failure()) return 0;
    const hwm = w.writableHighWaterMark > 0 ? w.writableHighWaterMark : FALLBACK_HWM;
    let budget = hwm - w.writableLength;
    // On 'drain' the writable may take up to this queue's bound, as a straight write may.
    if (wholeChunk)
      budget = Math.max(budget, this.#max - w.writableLength, this.#queue.frontLength());
    while (this.#queue.length > 0 && budget > 0) {
      // A chunk that fits under the mark goes whole even where it passes it (on 'drain', every
      // chunk does): cutting one costs a write and, for a frame, a split on the wire.
      const whole = wholeChunk || this.#queue.frontLength() <= hwm;
      const piece = this.#queue.takeChunk(whole ? Number.POSITIVE_INFINITY : budget);
      budget -= piece.length;
      moved += piece.length;
      if (!this.#write(piece)) break;
    }
    if (this.#queue.length > 0 && !w.writableNeedDrain) this.#scheduleFlush();
    if (moved > 0) this.#options.notify();
    return moved;
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      this.flush();
    });
  }

  /** The writable asked for more: flush (a whole chunk), or tell waiters there is room. */
  drained(): void {
    // A TLS socket: answered in a microtask, where a writer awaiting 'drain' resumes, not
    // inside the emit. It completes its writes in a pass of native immediates that runs
    // until none is left, so a write made inside its 'drain' completes, drains and is
    // followed by the next in the same pass until the kernel's buffer is full (1-4 MiB per
    // turn of the loop, the reader starved meanwhile): a fresh TLS connection's transfers
    // cost 1.3-1.5x the CPU (transports benchmark, TLS 0.6-0.8x of a raw TLS socket).
    if (!this.#atMark) {
      this.#answerDrain();
      return;
    }
    if (this.#drainScheduled) return;
    this.#drainScheduled = true;
    queueMicrotask(() => {
      this.#drainScheduled = false;
      this.#answerDrain();
    });
  }

  #answerDrain(): void {
    if (this.flush(true) === 0) this.#options.notify();
  }

  /** Flushes the queue, then ends the writable; resolves once it finished. Once only. */
  end(): Promise<void> {
    this.#ended ??= this.#end();
    return this.#ended;
  }

  async #end(): Promise<void> {
    this.#state = 'ending';
    this.#options.notify();
    const w = this.#writable;
    while (this.#queue.length > 0 && !this.#options.failure() && !w.destroyed) {
      await this.#options.changed();
    }
    const failed = this.#options.failure();
    if (failed) throw failed;
    if (!w.writableEnded && !w.destroyed) w.end();
    // A premature close after every byte was flushed is not a failure of this side.
    await finished(w, { readable: false }).catch((err: unknown) => {
      if (!w.writableFinished) throw this.#options.typed(err);
    });
    this.#state = 'ended';
  }

  /** Drops what is queued (the stream is being destroyed). */
  clear(): void {
    this.#queue.clear();
  }
}
