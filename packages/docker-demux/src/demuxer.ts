// The seed's Demuxer (dockerpty): the non-blocking face over a multiplexed ByteStream. Unlike
// the seed it keeps the stream id of what it returns, and a zero-length frame is not the end.
import { assertKnownOptions, type ByteStream, type Selectable } from '@sluice/stream-core';
import { DOCKER_HEADER_SIZE, type OutputStreamId } from './constants.js';
import { DockerFrameDecoder } from './decoder.js';

/** Options of a {@link Demuxer}. */
export interface DemuxerOptions {
  /** Largest frame payload accepted. Default 64 MiB. */
  maxFrameSize?: number;
  /** Longest daemon error message kept (stream id 3). Default 64 KiB. */
  maxErrorSize?: number;
}

const EMPTY = new Uint8Array(0);
/** How much to take from the stream per refill: headers make the input larger than what is returned. */
const REFILL_SIZE = 64 * 1024;

/**
 * Reads demultiplexed payloads from a `ByteStream` (e.g. a hijacked attach socket wrapped in
 * stream-core's `Stream`). Each `read()` returns bytes of one stream id, reported by
 * `lastStreamId`; write-side calls go to the stream. Selectable, so `select()` works on it.
 */
export class Demuxer implements Selectable {
  /** The multiplexed stream underneath. */
  readonly stream: ByteStream;
  /** Stream id (0, 1 or 2) of the bytes the last non-empty `read()` returned. */
  lastStreamId: OutputStreamId | undefined = undefined;
  private readonly decoder: DockerFrameDecoder;
  private pieces: Buffer[] = [];
  private pieceIds: OutputStreamId[] = [];
  private head = 0;
  private failure: Error | null = null;
  private ended = false;

  constructor(stream: ByteStream, options: DemuxerOptions = {}) {
    assertKnownOptions(options, ['maxFrameSize', 'maxErrorSize'], 'new Demuxer()');
    this.stream = stream;
    this.decoder = new DockerFrameDecoder(
      (id, payload) => {
        this.pieces.push(payload);
        this.pieceIds.push(id);
      },
      { partial: true, maxFrameSize: options.maxFrameSize, maxErrorSize: options.maxErrorSize },
    );
  }

  /** The stream's file descriptor (-1 when it has none). */
  fileno(): number {
    return this.stream.fileno();
  }

  /**
   * At most `n` payload bytes of one stream id (see `lastStreamId`); an empty result when
   * nothing is ready; `null` at end of stream. Throws `DaemonError`, `ProtocolError` or
   * `BufferOverflowError` once everything before the fault has been returned.
   */
  read(n = 4096): Uint8Array | null {
    if (n <= 0) return EMPTY;
    for (;;) {
      if (this.head < this.pieces.length) return this.take(n);
      if (this.failure) throw this.failure;
      if (this.ended) return null;
      const chunk = this.stream.read(Math.max(n + DOCKER_HEADER_SIZE, REFILL_SIZE));
      if (chunk === null) {
        this.ended = true;
        this.guard(() => this.decoder.end());
      } else if (chunk.length === 0) {
        return EMPTY;
      } else {
        this.guard(() => this.decoder.push(chunk));
      }
    }
  }

  /** Delegates to the stream. */
  write(data: Uint8Array | string): number | undefined {
    return this.stream.write(data);
  }

  /** Delegates to the stream. */
  needsWrite(): boolean {
    return this.stream.needsWrite();
  }

  /** Delegates to the stream. */
  doWrite(): number {
    return this.stream.doWrite();
  }

  /** Delegates to the stream. */
  close(): Promise<void> {
    return this.stream.close();
  }

  /** True when `read()` would not return an empty result. */
  readyToRead(): boolean {
    return (
      this.head < this.pieces.length ||
      this.failure !== null ||
      this.ended ||
      this.stream.readyToRead()
    );
  }

  /** Delegates to the stream. */
  readyToWrite(): boolean {
    return this.stream.readyToWrite();
  }

  /** Delegates to the stream. */
  onReadiness(listener: () => void): () => void {
    return this.stream.onReadiness(listener);
  }

  private take(n: number): Buffer {
    const piece = this.pieces[this.head]!;
    this.lastStreamId = this.pieceIds[this.head]!;
    if (piece.length > n) {
      this.pieces[this.head] = piece.subarray(n);
      return piece.subarray(0, n);
    }
    if (++this.head === this.pieces.length) {
      this.pieces = [];
      this.pieceIds = [];
      this.head = 0;
    }
    return piece;
  }

  private guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      this.failure = error as Error;
    }
  }
}
