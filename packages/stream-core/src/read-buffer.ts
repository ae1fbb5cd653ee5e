// The read side of a `Stream`: the source flows into a bounded buffer of chunks and is paused
// while the buffer holds `pauseAt` bytes or more. Reading starts at the first read interest
// (`start()`), so a Stream over a descriptor opened for writing never reads it.
import type { Readable } from 'node:stream';
import { ChunkQueue } from './chunk-queue.js';
import type { SocketReads } from './socket-reads.js';
import { toBuffer } from './to-buffer.js';

/**
 * Where the read side is: not reading yet (`idle`), the source flowing or `paused` under
 * backpressure, or `ended` (nothing more will arrive; buffered bytes may remain).
 */
export type ReadState = 'idle' | 'flowing' | 'paused' | 'ended';

/** What a `ReadBuffer` needs from its stream. @internal */
export interface ReadBufferOptions {
  /** The bound of the buffer. */
  maxBufferSize: number;
  /** The socket's reads, when it was made with `onread` (enables `choose`). */
  reads: SocketReads | undefined;
  /** Called when bytes arrived or the source ended. */
  notify: () => void;
  /** False while the reader's memory must not be chosen (closed, failed). */
  mayChoose: () => boolean;
}

/** The read buffer of a `Stream`. @internal */
export class ReadBuffer {
  readonly #readable: Readable;
  readonly #queue = new ChunkQueue();
  readonly #options: ReadBufferOptions;
  #state: ReadState = 'idle';
  #ended = false;
  // The buffered size at which the source is paused: `maxBufferSize`, or less while a pump
  // drives the stream (a pump wants the source held back as soon as it blocks).
  #pauseAt: number;
  #choose: (() => Uint8Array | undefined) | undefined;
  #bytesRead = 0;

  constructor(readable: Readable, options: ReadBufferOptions) {
    this.#readable = readable;
    this.#options = options;
    this.#pauseAt = options.maxBufferSize;
    if (readable.readableEnded || readable.destroyed) this.#ended = true;
  }

  /** Where the read side is. */
  get state(): ReadState {
    return this.#ended ? 'ended' : this.#state;
  }

  /** Bytes buffered, not yet read. */
  get length(): number {
    return this.#queue.length;
  }

  /** Bytes that arrived from the source so far. */
  get bytesRead(): number {
    return this.#bytesRead;
  }

  /** True once the source ended or was destroyed. */
  get ended(): boolean {
    return this.#ended;
  }

  /** The source ended (or was destroyed): nothing more will arrive. */
  markEnded(): void {
    this.#ended = true;
  }

  /** The first read interest: from now on the source flows into the buffer. Idempotent. */
  start(): void {
    if (this.#state !== 'idle') return;
    this.#state = 'flowing';
    const reads = this.#options.reads;
    if (reads) {
      const early = reads.attach({
        deliver: (chunk) => this.#arrived(chunk),
        choose: () => this.#target(),
      });
      for (const chunk of early) this.#arrived(chunk);
    } else {
      this.#readable.on('data', (chunk: Buffer | Uint8Array | string) => {
        this.#arrived(Buffer.isBuffer(chunk) ? chunk : toBuffer(chunk));
      });
    }
    // A 'data' listener does not restart a readable its owner paused; this buffer reads now.
    if (!this.#ended && this.#state === 'flowing') this.#readable.resume();
  }

  #arrived(chunk: Buffer): void {
    this.#queue.push(chunk);
    this.#bytesRead += chunk.length;
    if (this.#queue.length >= this.#pauseAt && this.#state === 'flowing') {
      this.#state = 'paused';
      this.#readable.pause();
    }
    this.#options.notify();
  }

  /** The oldest chunk, or its first `max` bytes, as a view (never a copy). */
  takeChunk(max?: number): Buffer {
    const chunk = this.#queue.takeChunk(max);
    this.#consumed();
    return chunk;
  }

  /** Exactly `n` buffered bytes (`n` ≤ `length`): a view where one chunk holds them. */
  take(n: number): Buffer {
    const out = this.#queue.take(n);
    this.#consumed();
    return out;
  }

  /** Copies up to `room` buffered bytes into `out` at `at`; returns the bytes copied. */
  copyInto(out: Buffer, at: number, room: number): number {
    let filled = 0;
    while (this.#queue.length > 0 && filled < room) {
      filled += this.#queue.takeChunk(room - filled).copy(out, at + filled);
    }
    this.#consumed();
    return filled;
  }

  #consumed(): void {
    if (this.#state === 'paused' && this.#queue.length < this.#pauseAt) {
      this.#state = 'flowing';
      this.#readable.resume();
    }
  }

  /** Pauses the source at `bytes` buffered instead of `maxBufferSize` (undefined: back to it). */
  pauseAt(bytes: number | undefined): void {
    this.#pauseAt = Math.min(bytes ?? this.#options.maxBufferSize, this.#options.maxBufferSize);
    if (this.#state === 'flowing' && this.#queue.length >= this.#pauseAt) {
      this.#state = 'paused';
      this.#readable.pause();
    }
    this.#consumed();
  }

  /** See `Stream.readInto`; false when the source cannot (it has no `SocketReads`). */
  choose(choose: (() => Uint8Array | undefined) | undefined): boolean {
    if (this.#options.reads === undefined) return false;
    this.#choose = choose;
    if (choose !== undefined) this.start();
    return true;
  }

  // Memory for the socket's next read: the reader's choice, asked only while nothing is
  // buffered (so the next bytes to arrive are exactly the ones it expects next).
  #target(): Uint8Array | undefined {
    const choose = this.#choose;
    if (choose === undefined || this.#queue.length > 0 || this.#ended) return undefined;
    if (!this.#options.mayChoose()) return undefined;
    try {
      return choose();
    } catch (err) {
      // Called from inside Node's read path, where a throw would take the process down: the
      // reader's bug stops its choosing and surfaces elsewhere; reads go on in our memory.
      this.#choose = undefined;
      queueMicrotask(() => {
        throw err;
      });
      return undefined;
    }
  }
}
