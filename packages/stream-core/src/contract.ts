// The contract every sluice byte stream honours. `Stream` implements it over Node streams;
// `BufferedStream`, docker-demux's `Demuxer`, and test doubles implement it too, so channels,
// pumps and `select` work with any of them.
import type { Duplex } from 'node:stream';

/** Anything `select()` can wait on: a `Stream`, a `Pump`, a docker-demux `Demuxer`, … */
export interface Selectable {
  /** True when `read()` would not return an empty result now: data, end of stream, or an error to report. */
  readyToRead(): boolean;
  /** True when `write()` would be accepted now without exceeding the write bound. */
  readyToWrite(): boolean;
  /**
   * Calls `listener` whenever `readyToRead()` or `readyToWrite()` may have changed.
   * Returns a function that removes the listener.
   */
  onReadiness(listener: () => void): () => void;
}

/** Options of `readExactly`. */
export interface ReadExactlyOptions {
  /** The largest `n` accepted, in bytes. Default: the stream's `maxBufferSize` (1 MiB). */
  maxBytes?: number;
}

/**
 * A bidirectional byte stream with both seed faces: dockerpty's non-blocking one (`read`,
 * `write`, `doWrite`, `needsWrite`, `select`) and RPyC's awaitable one (`readExactly`,
 * `poll`, `writeAll`, `closeWrite`, async iteration).
 */
export interface ByteStream extends Selectable, AsyncIterable<Uint8Array>, AsyncDisposable {
  /** The file descriptor underneath (for TLS, the TCP socket's), or -1 when there is none (in memory). */
  fileno(): number;
  /**
   * Up to `n` buffered bytes now; an empty buffer when nothing is ready; `null` at end of
   * stream. Throws the stream's error, if it failed.
   */
  read(n?: number): Uint8Array | null;
  /**
   * Optional: lets the reader choose the memory the transport's next bytes land in (see
   * `Stream.readInto`). Returns false when the stream cannot; absent means the same.
   */
  readInto?(choose: (() => Uint8Array | undefined) | undefined): boolean;
  /**
   * Buffers `data` and starts flushing it. Returns `data.length`, or `undefined` for empty
   * data. Throws `BufferOverflowError` when the write buffer would exceed its bound; nothing
   * already accepted is lost.
   */
  write(data: Uint8Array | string): number | undefined;
  /** Hands as much pending data as possible to the destination; returns the bytes flushed. */
  doWrite(): number;
  /**
   * Optional: pushes on whatever this layer holds back (a `BufferedStream`'s gathered block)
   * and resolves once the layer below accepted it (waiting under backpressure), after
   * flushing that layer too when it has `flush`. A layer that holds nothing back may omit it.
   */
  flush?(): Promise<void>;
  /** True while written data is waiting to be flushed. */
  needsWrite(): boolean;
  /**
   * Resolves with exactly `n` bytes; rejects with `ConnectionLostError` if the stream ends
   * first, and with `BufferOverflowError` (before allocating) when `n` exceeds the bound:
   * `options.maxBytes`, default the stream's `maxBufferSize`.
   */
  readExactly(n: number, options?: ReadExactlyOptions): Promise<Uint8Array>;
  /** Resolves true when data is ready or the peer hung up, false after `timeoutMs`. */
  poll(timeoutMs?: number): Promise<boolean>;
  /** Resolves once `data` is accepted within the write bound (waits under backpressure). */
  writeAll(data: Uint8Array | string): Promise<void>;
  /** Half-close: flushes, then ends the writing side. The peer can still write back. */
  closeWrite(): Promise<void>;
  /** Flushes pending writes, then closes both directions. Idempotent. */
  close(): Promise<void>;
  /** Optional: closes at once, dropping pending writes (for a peer that will never read them). */
  destroy?(): void;
  /** True once `close()` was called or the stream was destroyed. */
  readonly closed: boolean;
  /** Optional: the bound of the read buffer and of the write queue, in bytes. */
  readonly maxBufferSize?: number;
  /** Optional: bytes buffered on the read side, not yet read. */
  readonly bufferedReadBytes?: number;
  /** Optional: bytes queued on the write side, not yet handed on. */
  readonly bufferedWriteBytes?: number;
  /** Optional: bytes that arrived from the transport so far. */
  readonly bytesRead?: number;
  /** Optional: bytes handed to the transport so far. */
  readonly bytesWritten?: number;
  /**
   * Optional: a gathered `write` of several parts, all or none (`BufferOverflowError` past
   * the bound); returns the bytes queued, `undefined` when there were none.
   */
  writev?(parts: readonly (Uint8Array | string)[]): number | undefined;
  /** Optional: a gathered `writeAll`, the parts in order. */
  writeAllv?(parts: readonly (Uint8Array | string)[]): Promise<void>;
}

/** A `ByteStream` that wraps a Node stream and hands it back for interop. */
export interface NodeBackedStream extends ByteStream {
  /** The underlying Node stream. */
  readonly underlying: Duplex;
}
