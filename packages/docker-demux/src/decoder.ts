// The incremental push decoder. Chunks go in, payloads come out through one callback, in order.
// The hot path is a single loop over offsets: a header that lies inside the chunk is read in
// place, a payload that lies inside the chunk is handed out as a view of it (no copy), and
// the only state kept between chunks is a partial header (an 8-byte buffer, made once) and
// the frame in progress. Nothing recurses: the stack depth is the same for one frame or a
// million.
import {
  assertKnownOptions,
  BufferOverflowError,
  DaemonError,
  ProtocolError,
} from '@sluice/stream-core';
import {
  DEFAULT_MAX_ERROR_SIZE,
  DEFAULT_MAX_FRAME_SIZE,
  DOCKER_HEADER_SIZE,
  type OutputStreamId,
  STDERR,
  SYSTEMERR,
} from './constants.js';

/**
 * Receives each payload, in stream order. `payload` is a view of the pushed chunk when the
 * frame lay inside it; keep it (it is never reused), or copy it if you will mutate the chunk.
 */
export type FrameHandler = (streamId: OutputStreamId, payload: Buffer) => void;

/** Options of a {@link DockerFrameDecoder}. */
export interface DockerFrameDecoderOptions {
  /** Largest payload accepted; a larger header fails with `BufferOverflowError` before any allocation. Default 64 MiB. */
  maxFrameSize?: number;
  /**
   * Largest daemon error message (stream id 3) kept, in bytes. A longer one still ends in
   * `DaemonError`, with its first `maxErrorSize` bytes and a note of its full length; the
   * rest is not read. Default `DEFAULT_MAX_ERROR_SIZE` (64 KiB).
   */
  maxErrorSize?: number;
  /**
   * Hand out a payload that spans chunks piece by piece as it arrives (each piece a view of a
   * chunk, nothing copied or held) instead of joining it. Right for byte streams (stdout,
   * stderr), where frame boundaries carry no meaning. Default false: one call per frame.
   */
  partial?: boolean;
}

/**
 * Decodes Docker's multiplexed stream incrementally.
 *
 * `push(chunk)` calls `onFrame(streamId, payload)` synchronously for every payload the chunk
 * completes (or, with `partial`, every piece it carries), then returns. Zero-length output
 * frames are skipped. It throws, after delivering everything before the fault:
 * - `DaemonError` for a stream id 3 frame, empty or not (its message is the daemon's text,
 *   at most `maxErrorSize` bytes of it);
 * - `ProtocolError` (with `offset`) for an unknown stream id or non-zero reserved bytes;
 * - `BufferOverflowError` for a frame longer than `maxFrameSize`, before allocating anything.
 *
 * `end()` says the input is over: if it stopped inside a frame, the payload bytes that did
 * arrive are delivered, then it throws `ProtocolError` ("truncated frame: N more bytes expected").
 * After one of these the decoder stays failed and rethrows the same error. (An exception
 * thrown by `onFrame` itself propagates out of `push()` and leaves the decoder unusable.)
 *
 * @example
 * ```ts
 * const decoder = new DockerFrameDecoder((id, payload) => (id === STDERR ? err : out).push(payload));
 * socket.on('data', (chunk) => decoder.push(chunk));
 * socket.on('end', () => decoder.end());
 * ```
 */
export class DockerFrameDecoder {
  /** Largest payload accepted, in bytes. */
  readonly maxFrameSize: number;
  /** Whether spanning payloads are handed out in pieces. */
  readonly partial: boolean;
  /** Largest daemon error message kept, in bytes. */
  readonly maxErrorSize: number;
  /** The announced length of the daemon error being read, when it exceeds `maxErrorSize`. */
  private errorLength = 0;
  private readonly onFrame: FrameHandler;
  /** A header split across chunks is gathered here (allocated the first time one is). */
  private header: Buffer | null = null;
  private headerFill = 0;
  /** Stream id of the frame whose payload is being read. */
  private streamId = 0;
  /** Payload bytes still expected; 0 while reading a header. */
  private remaining = 0;
  /** The joined payload being filled (whole-frame mode, or a daemon message), else null. */
  private frame: Buffer | null = null;
  private frameFill = 0;
  /** Input bytes consumed by earlier pushes. */
  private consumed = 0;
  private failure: Error | null = null;

  constructor(onFrame: FrameHandler, options: DockerFrameDecoderOptions = {}) {
    assertKnownOptions(
      options,
      ['maxFrameSize', 'maxErrorSize', 'partial'],
      'new DockerFrameDecoder()',
    );
    const max = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
    if (!Number.isSafeInteger(max) || max < 0) {
      throw new RangeError(`maxFrameSize must be a non-negative integer, got ${max}`);
    }
    this.maxFrameSize = max;
    const maxError = options.maxErrorSize ?? DEFAULT_MAX_ERROR_SIZE;
    if (!Number.isSafeInteger(maxError) || maxError < 1) {
      throw new RangeError(`maxErrorSize must be a positive integer, got ${maxError}`);
    }
    this.maxErrorSize = maxError;
    this.partial = options.partial ?? false;
    this.onFrame = onFrame;
  }

  /** Input bytes consumed so far. */
  get bytesConsumed(): number {
    return this.consumed;
  }

  /** True when the input so far stops inside a frame (a header or payload is incomplete). */
  get midFrame(): boolean {
    return this.headerFill > 0 || this.remaining > 0;
  }

  /** Decodes `input`, delivering every payload it completes. */
  push(input: Uint8Array): void {
    if (this.failure !== null) throw this.failure;
    const chunk = Buffer.isBuffer(input)
      ? input
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    const len = chunk.length;
    const onFrame = this.onFrame;
    let pos = 0;
    // The hot path is kept small, so that the engine inlines `onFrame` (and what it calls)
    // into it: a payload continuing from the last chunk, then every whole header in this
    // one. Anything else (a cut header, a payload being joined, id 3, a fault) is `step()`.
    const remaining = this.remaining;
    if (remaining > 0 && this.frame === null) {
      const take = Math.min(remaining, len);
      // A chunk that is all payload is handed out as it is: not even a view to make.
      onFrame(this.streamId as OutputStreamId, take === len ? chunk : chunk.subarray(0, take));
      pos = take;
      this.remaining = remaining - take;
    }
    const max = this.maxFrameSize;
    const partial = this.partial;
    while (pos < len) {
      if (this.remaining === 0 && this.headerFill === 0 && pos + DOCKER_HEADER_SIZE <= len) {
        const id = chunk[pos]!;
        if (id <= STDERR && (chunk[pos + 1]! | chunk[pos + 2]! | chunk[pos + 3]!) === 0) {
          const size =
            chunk[pos + 4]! * 0x1000000 +
            ((chunk[pos + 5]! << 16) | (chunk[pos + 6]! << 8) | chunk[pos + 7]!);
          const end = pos + DOCKER_HEADER_SIZE + size;
          if (size <= max && end <= len) {
            if (size !== 0)
              onFrame(id as OutputStreamId, chunk.subarray(pos + DOCKER_HEADER_SIZE, end));
            pos = end;
            continue;
          }
          if (size <= max && partial) {
            // The payload runs past the chunk: hand out what is here, expect the rest.
            this.streamId = id;
            this.remaining = end - len;
            if (len > pos + DOCKER_HEADER_SIZE)
              onFrame(id as OutputStreamId, chunk.subarray(pos + DOCKER_HEADER_SIZE));
            break;
          }
        }
      }
      pos = this.step(chunk, pos);
    }
    this.consumed += len;
  }

  /**
   * The cold path, one step from `pos`: a header cut by a chunk boundary, a payload being
   * joined, id 3, a fault. Returns the new position.
   */
  private step(chunk: Buffer, pos: number): number {
    const len = chunk.length;
    const frame = this.frame;
    if (this.remaining > 0 && frame === null) {
      // A payload handed out in pieces, begun by a header this chunk completed.
      const take = Math.min(this.remaining, len - pos);
      this.onFrame(this.streamId as OutputStreamId, chunk.subarray(pos, pos + take));
      this.remaining -= take;
      return pos + take;
    }
    if (this.remaining > 0 && frame !== null) {
      const take = Math.min(this.remaining, len - pos);
      chunk.copy(frame, this.frameFill, pos, pos + take);
      this.frameFill += take;
      this.remaining -= take;
      if (this.remaining === 0) {
        this.frame = null;
        if (this.streamId === SYSTEMERR) throw this.fail(daemonError(frame, this.errorLength));
        this.onFrame(this.streamId as OutputStreamId, frame);
      }
      return pos + take;
    }
    let header: Buffer;
    let at: number;
    if (this.headerFill === 0 && len - pos >= DOCKER_HEADER_SIZE) {
      header = chunk;
      at = pos;
      pos += DOCKER_HEADER_SIZE;
    } else {
      // Gather a header split across chunks in an 8-byte buffer kept for the purpose.
      const take = Math.min(DOCKER_HEADER_SIZE - this.headerFill, len - pos);
      this.header ??= Buffer.allocUnsafe(DOCKER_HEADER_SIZE);
      chunk.copy(this.header, this.headerFill, pos, pos + take);
      this.headerFill += take;
      pos += take;
      if (this.headerFill < DOCKER_HEADER_SIZE) return pos;
      this.headerFill = 0;
      header = this.header;
      at = 0;
    }
    const offset = this.consumed + pos - DOCKER_HEADER_SIZE;
    const id = header[at]!;
    if (id > SYSTEMERR || (header[at + 1]! | header[at + 2]! | header[at + 3]!) !== 0) {
      throw this.fail(this.badHeader(header, at, offset));
    }
    let size = header.readUInt32BE(at + 4);
    // Empty output frames occur; they are not end of stream. An empty daemon error is still
    // the daemon failing the stream (as stdcopy reports it).
    if (size === 0 && id !== SYSTEMERR) return pos;
    if (id === SYSTEMERR) {
      // A daemon message gets its own small cap: keep its start, leave the rest unread.
      this.errorLength = size > this.maxErrorSize ? size : 0;
      size = Math.min(size, this.maxErrorSize);
    } else if (size > this.maxFrameSize) {
      throw this.fail(
        new BufferOverflowError(
          `frame of ${size} bytes at byte offset ${offset} exceeds maxFrameSize ${this.maxFrameSize}`,
          { limit: this.maxFrameSize, size },
        ),
      );
    }
    this.streamId = id;
    if (len - pos >= size) {
      // The whole payload lies inside the chunk: hand out a view.
      const payload = chunk.subarray(pos, pos + size);
      if (id === SYSTEMERR) throw this.fail(daemonError(payload, this.errorLength));
      this.onFrame(id as OutputStreamId, payload);
      return pos + size;
    }
    this.remaining = size;
    if (id === SYSTEMERR || !this.partial) {
      this.frame = Buffer.allocUnsafe(size);
      this.frameFill = 0;
    }
    return pos;
  }

  /**
   * Says the input is over. Throws `ProtocolError` if it stopped inside a frame, after
   * delivering the payload bytes that did arrive.
   */
  end(): void {
    if (this.failure) throw this.failure;
    let missing = 0;
    if (this.headerFill > 0) {
      missing = DOCKER_HEADER_SIZE - this.headerFill;
    } else if (this.remaining > 0) {
      missing = this.remaining;
      const frame = this.frame;
      this.frame = null;
      if (frame !== null && this.streamId !== SYSTEMERR && this.frameFill > 0) {
        this.onFrame(this.streamId as OutputStreamId, frame.subarray(0, this.frameFill));
      }
    }
    if (missing > 0) {
      this.failure = new ProtocolError(
        `truncated frame: ${missing} more bytes expected at byte offset ${this.consumed}`,
        { offset: this.consumed },
      );
      throw this.failure;
    }
  }

  /** Records `error` as the decoder's failure (it rethrows it from now on) and returns it. */
  private fail(error: Error): Error {
    this.failure = error;
    return error;
  }

  private badHeader(bytes: Buffer, at: number, offset: number): ProtocolError {
    const id = bytes[at]!;
    if (id > SYSTEMERR) {
      return new ProtocolError(`unrecognized stream id ${id} at byte offset ${offset}`, { offset });
    }
    const reserved = Array.from(bytes.subarray(at + 1, at + 4), (b) =>
      b.toString(16).padStart(2, '0'),
    ).join(' ');
    return new ProtocolError(
      `invalid frame header at byte offset ${offset}: reserved bytes must be 00 00 00, got ${reserved}`,
      { offset },
    );
  }
}

// `announced`: the message's full length when it was cut at `maxErrorSize`, else 0.
function daemonError(payload: Buffer, announced: number): DaemonError {
  const text = payload.toString('utf8').trimEnd();
  const cut = announced > 0 ? ` … (cut at ${payload.length} of ${announced} bytes)` : '';
  return new DaemonError(text.length > 0 ? `${text}${cut}` : 'the daemon reported an empty error');
}

/** @deprecated Use `DockerFrameDecoder` (channel has a `FrameDecoder` of its own). */
export const FrameDecoder: typeof DockerFrameDecoder = DockerFrameDecoder;
/** @deprecated Use `DockerFrameDecoder`. */
export type FrameDecoder = DockerFrameDecoder;
/** @deprecated Use `DockerFrameDecoderOptions`. */
export type FrameDecoderOptions = DockerFrameDecoderOptions;
