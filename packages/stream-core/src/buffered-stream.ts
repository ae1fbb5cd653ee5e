// RPyC's BufferedStream: coalesces small writes into one until `bufferSize` bytes are
// gathered or `flush()` is called, so many tiny writes become few large ones. Reads and
// readiness go straight to the wrapped stream.
import { DEFAULT_BUFFER_SIZE } from './constants.js';
import type { ByteStream, ReadExactlyOptions } from './contract.js';
import { BufferOverflowError, StreamClosedError } from './errors.js';
import { toBuffer } from './to-buffer.js';

/** A `ByteStream` that gathers writes into `bufferSize`-byte blocks before passing them on. */
export class BufferedStream implements ByteStream {
  /** The wrapped stream. */
  readonly stream: ByteStream;
  /** Bytes gathered before they are passed on. */
  readonly bufferSize: number;
  readonly #block: Buffer;
  #filled = 0;
  #closed = false;

  constructor(stream: ByteStream, bufferSize: number = DEFAULT_BUFFER_SIZE) {
    if (!Number.isSafeInteger(bufferSize) || bufferSize <= 0) {
      throw new RangeError(`bufferSize must be a positive integer, got ${bufferSize}`);
    }
    this.stream = stream;
    this.bufferSize = bufferSize;
    this.#block = Buffer.allocUnsafe(bufferSize);
  }

  #checkOpen(): void {
    if (this.#closed) throw new StreamClosedError();
  }

  /** Bytes gathered and not yet passed on. */
  get bufferedBytes(): number {
    return this.#filled;
  }

  /** The wrapped stream's bound, when it declares one. */
  get maxBufferSize(): number | undefined {
    return this.stream.maxBufferSize;
  }

  /** The wrapped stream's buffered read bytes. */
  get bufferedReadBytes(): number {
    return this.stream.bufferedReadBytes ?? 0;
  }

  /** Bytes gathered here plus those queued in the wrapped stream. */
  get bufferedWriteBytes(): number {
    return this.#filled + (this.stream.bufferedWriteBytes ?? 0);
  }

  /** The wrapped stream's count of bytes read, when it keeps one. */
  get bytesRead(): number | undefined {
    return this.stream.bytesRead;
  }

  /** The wrapped stream's count of bytes written, when it keeps one. */
  get bytesWritten(): number | undefined {
    return this.stream.bytesWritten;
  }

  // Passes the gathered block on (a copy: the block is reused). False if the bound refused it.
  #passOn(): boolean {
    if (this.#filled === 0) return true;
    try {
      this.stream.write(Buffer.from(this.#block.subarray(0, this.#filled)));
    } catch (err) {
      if (err instanceof BufferOverflowError) return false;
      throw err;
    }
    this.#filled = 0;
    return true;
  }

  /**
   * Gathers `data`; passes a block on when `bufferSize` is reached. Data of a block's size or
   * more goes through at once (after what was gathered). Throws `BufferOverflowError` when the
   * wrapped stream's bound refuses a block; then `data` is not taken and nothing gathered is lost.
   */
  write(data: Uint8Array | string): number | undefined {
    this.#checkOpen();
    const buf = toBuffer(data);
    if (buf.length === 0) return undefined;
    if (this.#filled + buf.length <= this.bufferSize) {
      buf.copy(this.#block, this.#filled);
      this.#filled += buf.length;
      if (this.#filled === this.bufferSize) this.#passOn();
      return buf.length;
    }
    const refused = (): BufferOverflowError =>
      new BufferOverflowError(`the wrapped stream refused a ${this.bufferSize}-byte block`, {
        limit: this.bufferSize,
        size: this.#filled + buf.length,
      });
    if (!this.#passOn()) throw refused();
    if (buf.length >= this.bufferSize) {
      this.stream.write(buf);
      return buf.length;
    }
    buf.copy(this.#block, 0);
    this.#filled = buf.length;
    return buf.length;
  }

  /**
   * Passes what was gathered on now, without waiting; returns the bytes passed on (0 when
   * the wrapped stream's bound refused them: they stay gathered). The seed's `flush()`.
   */
  flushNow(): number {
    this.#checkOpen();
    const n = this.#filled;
    return this.#passOn() ? n : 0;
  }

  /**
   * Passes what was gathered on and resolves once the wrapped stream accepted it (waiting
   * under backpressure), after flushing the wrapped stream too when it has `flush()`. This
   * is what a `Channel` calls before it waits for a reply, so a request never sits here.
   */
  async flush(): Promise<void> {
    this.#checkOpen();
    await this.#drainBlock();
    await this.stream.flush?.();
  }

  /** Like `write`, but waits under backpressure instead of failing. */
  async writeAll(data: Uint8Array | string): Promise<void> {
    this.#checkOpen();
    const buf = toBuffer(data);
    if (this.#filled + buf.length < this.bufferSize) {
      buf.copy(this.#block, this.#filled);
      this.#filled += buf.length;
      return;
    }
    await this.#drainBlock();
    if (buf.length >= this.bufferSize) await this.stream.writeAll(buf);
    else {
      buf.copy(this.#block, 0);
      this.#filled = buf.length;
    }
  }

  async #drainBlock(): Promise<void> {
    if (this.#filled === 0) return;
    const block = Buffer.from(this.#block.subarray(0, this.#filled));
    this.#filled = 0;
    await this.stream.writeAll(block);
  }

  /** Passes gathered bytes on, then flushes the wrapped stream; returns the bytes it flushed. */
  doWrite(): number {
    this.#checkOpen();
    this.#passOn();
    return this.stream.doWrite();
  }

  /** True while gathered or queued bytes wait. */
  needsWrite(): boolean {
    return this.#filled > 0 || this.stream.needsWrite();
  }

  /** Passes gathered bytes on (waiting for room), then half-closes the wrapped stream. */
  async closeWrite(): Promise<void> {
    this.#checkOpen();
    await this.#drainBlock();
    await this.stream.closeWrite();
  }

  /** Passes gathered bytes on (waiting for room), then closes the wrapped stream. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#drainBlock();
    } finally {
      this.#closed = true;
      await this.stream.close();
    }
  }

  /** Drops what was gathered and destroys the wrapped stream (when it can be), at once. */
  destroy(): void {
    this.#filled = 0;
    this.#closed = true;
    this.stream.destroy?.();
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#closed || this.stream.closed;
  }

  fileno(): number {
    return this.stream.fileno();
  }
  read(n?: number): Uint8Array | null {
    this.#checkOpen();
    return this.stream.read(n);
  }
  readExactly(n: number, options?: ReadExactlyOptions): Promise<Uint8Array> {
    this.#checkOpen();
    return this.stream.readExactly(n, options);
  }
  poll(timeoutMs?: number): Promise<boolean> {
    this.#checkOpen();
    return this.stream.poll(timeoutMs);
  }
  readyToRead(): boolean {
    return this.stream.readyToRead();
  }
  readyToWrite(): boolean {
    return this.stream.readyToWrite();
  }
  onReadiness(listener: () => void): () => void {
    return this.stream.onReadiness(listener);
  }
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.stream[Symbol.asyncIterator]();
  }
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
