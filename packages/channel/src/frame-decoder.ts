// Incremental push decoder for the framed wire format. It keeps the parsed header between
// chunks, walks offsets instead of re-concatenating, hands single-frame payloads out as views
// of the input, and checks every announced length against the message cap before anything
// is allocated.
import { BufferOverflowError, ProtocolError, type StreamError } from '@sluice/stream-core';
import {
  ALGORITHM_MASK,
  ALGORITHM_SHIFT,
  DEFAULT_MAX_MESSAGE_SIZE,
  FLAG_COMPRESSED,
  FLAG_ENCRYPTED,
  FLAG_FINAL,
  HEADER_SIZE,
  MESSAGE_FLAGS,
  RESERVED_FLAGS,
  WIRE_VERSION,
} from './constants.js';

/** A whole message as framed: its message flags and its (still layered) payload. */
export interface RawMessage {
  /** Message flags (batch, compression, encryption bits); FINAL is stripped. */
  flags: number;
  /** The payload of all its frames, joined; a view of the input when it was one frame. */
  payload: Uint8Array;
  /** Byte offset of its first frame header in the input. */
  offset: number;
}

/** Options of a `FrameDecoder`. */
export interface FrameDecoderOptions {
  /** Largest message (sum of its frames' payloads) accepted, in bytes. Default 64 MiB. */
  maxMessageSize?: number;
  /** Message flag bits this reader understands beyond batch and compression (e.g. encryption). */
  extraFlags?: number;
}

const EMPTY = new Uint8Array(0);
// A one-frame message whose payload spans input chunks is copied, once, into a buffer of the
// announced size as its pieces arrive (announced sizes up to GATHER_MAX; larger ones are
// joined at the end). One buffer per message: carving them from larger shared slabs measured
// slower (fresh slab memory costs page faults on every copy; freed 64 KiB blocks come back
// warm from the allocator).
const GATHER_MAX = 1024 * 1024;
// Messages this large are read into their own buffers (`readTarget()`): one read system call
// per message, which for smaller ones costs more than copying them out of ordinary reads.
// It goes by the message's size, not by what is left of it: a read that ends just short of a
// message's end re-aligns the reads to the messages (a small read to the next header), where
// skipping it would leave every later message straddling two ordinary reads.
const MIN_READ_TARGET = 32 * 1024;

/** Turns bytes, pushed in chunks of any size, into whole `RawMessage`s. */
export class FrameDecoder {
  private readonly maxMessageSize: number;
  private readonly accepted: number;
  private readonly header = new Uint8Array(HEADER_SIZE);
  private headerFill = 0;
  private inPayload = false;
  private frameRemaining = 0;
  private frameFinal = false;
  private parts: Uint8Array[] = [];
  private gather: Uint8Array | undefined;
  private gatherAt = 0;
  private messageSize = 0;
  private messageFlags = -1;
  private messageOffset = 0;
  private position = 0;
  private readonly out: RawMessage[] = [];
  private outHead = 0;
  private failure: StreamError | undefined;

  constructor(options: FrameDecoderOptions = {}) {
    this.maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    this.accepted =
      (MESSAGE_FLAGS & ~FLAG_ENCRYPTED) | ((options.extraFlags ?? 0) & FLAG_ENCRYPTED);
  }

  /** Bytes consumed so far (the offset of the next unread byte). */
  get offset(): number {
    return this.position;
  }

  /** True while a frame or a multi-frame message is incomplete. */
  get midMessage(): boolean {
    return this.headerFill > 0 || this.inPayload || this.messageFlags !== -1;
  }

  /** True once malformed input was found (`shift()` throws it after the messages before it). */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Number of complete messages waiting in `shift()`. */
  get pending(): number {
    return this.out.length - this.outHead;
  }

  /**
   * Parses `chunk`. Complete messages become available from `shift()`. Malformed input is not
   * thrown here: `shift()` throws it once the messages before it have been taken.
   */
  push(chunk: Uint8Array): void {
    let i = 0;
    const n = chunk.length;
    while (i < n && this.failure === undefined) {
      if (this.inPayload) {
        const take = Math.min(this.frameRemaining, n - i);
        const gather = this.gather;
        if (gather === undefined) {
          this.parts.push(chunk.subarray(i, i + take));
        } else {
          // Bytes the transport read straight into place (`readTarget`) are not copied again.
          if (
            chunk.buffer !== gather.buffer ||
            chunk.byteOffset + i !== gather.byteOffset + this.gatherAt
          ) {
            gather.set(chunk.subarray(i, i + take), this.gatherAt);
          }
          this.gatherAt += take;
        }
        i += take;
        this.position += take;
        this.frameRemaining -= take;
        if (this.frameRemaining === 0) this.endFrame();
        continue;
      }
      if (this.headerFill === 0 && n - i >= HEADER_SIZE) {
        this.parseHeader(chunk, i);
        i += HEADER_SIZE;
      } else {
        const take = Math.min(HEADER_SIZE - this.headerFill, n - i);
        this.header.set(chunk.subarray(i, i + take), this.headerFill);
        this.headerFill += take;
        i += take;
        if (this.headerFill < HEADER_SIZE) break;
        this.headerFill = 0;
        this.parseHeader(this.header, 0);
      }
      if (
        this.inPayload &&
        this.frameRemaining > n - i &&
        this.frameFinal &&
        this.parts.length === 0 &&
        this.messageSize <= GATHER_MAX
      ) {
        // The whole message is this frame and it goes on past this chunk: gather it in a
        // buffer of its own, with room behind it for the next frame's header (so a transport
        // reading into `readTarget()` reads the rest and the next header in one go).
        this.gather = Buffer.allocUnsafe(this.messageSize + HEADER_SIZE);
        this.gatherAt = 0;
      }
    }
  }

  /**
   * Where the next input bytes belong while a large message is being gathered: the rest of
   * its buffer, plus room for the header after it. Input later pushed as a view of exactly
   * that memory is taken without a copy. Undefined when there is no such place (or the
   * message is too small to be worth reads of its own).
   */
  readTarget(): Uint8Array | undefined {
    const gather = this.gather;
    if (gather === undefined || this.failure !== undefined) return undefined;
    if (gather.length < MIN_READ_TARGET + HEADER_SIZE) return undefined;
    return gather.subarray(this.gatherAt);
  }

  /** The next complete message; throws the decoding error once no message precedes it. */
  shift(): RawMessage | undefined {
    if (this.outHead < this.out.length) {
      const message = this.out[this.outHead++]!;
      if (this.outHead === this.out.length) {
        this.out.length = 0;
        this.outHead = 0;
      }
      return message;
    }
    if (this.failure) throw this.failure;
    return undefined;
  }

  /** Declares the end of input: an incomplete frame or message becomes a `ProtocolError`. */
  end(): void {
    if (this.failure === undefined && this.midMessage) {
      this.failure = new ProtocolError(
        `input ended inside a frame or message (message started at offset ${this.messageOffset}, ended at ${this.position})`,
        { offset: this.position },
      );
    }
  }

  // Returns false when the header is bad (the failure is recorded).
  private parseHeader(b: Uint8Array, at: number): boolean {
    const start = this.position;
    this.position += HEADER_SIZE;
    const version = b[at]!;
    const flags = b[at + 1]!;
    const length = ((b[at + 2]! << 24) | (b[at + 3]! << 16) | (b[at + 4]! << 8) | b[at + 5]!) >>> 0;
    if (version !== WIRE_VERSION) {
      return this.fail(
        `unsupported wire format version ${version} (expected ${WIRE_VERSION})`,
        start,
      );
    }
    const messageFlags = flags & ~FLAG_FINAL;
    const unknown = (flags & RESERVED_FLAGS) | (messageFlags & MESSAGE_FLAGS & ~this.accepted);
    if (unknown !== 0) {
      return this.fail(
        `unknown or unsupported flags 0x${hex(unknown)} in frame flags 0x${hex(flags)}`,
        start + 1,
      );
    }
    const algorithm = (flags & ALGORITHM_MASK) >> ALGORITHM_SHIFT;
    if ((flags & FLAG_COMPRESSED) === 0 ? algorithm !== 0 : algorithm === 3) {
      return this.fail(
        `invalid compression algorithm bits in frame flags 0x${hex(flags)}`,
        start + 1,
      );
    }
    if (this.messageFlags === -1) {
      this.messageFlags = messageFlags;
      this.messageOffset = start;
    } else if (this.messageFlags !== messageFlags) {
      return this.fail(
        `continuation frame flags 0x${hex(messageFlags)} differ from the message's 0x${hex(this.messageFlags)}`,
        start + 1,
      );
    }
    const final = (flags & FLAG_FINAL) !== 0;
    if (length === 0 && !final) return this.fail('empty frame that is not final', start + 2);
    const total = this.messageSize + length;
    if (total > this.maxMessageSize) {
      this.failure = new BufferOverflowError(
        `frame at offset ${start} announces ${length} bytes, bringing the message to ${total} bytes, over maxMessageSize ${this.maxMessageSize}`,
        { limit: this.maxMessageSize, size: total },
      );
      return false;
    }
    this.messageSize = total;
    this.frameFinal = final;
    this.frameRemaining = length;
    if (length === 0) this.endFrame();
    else this.inPayload = true;
    return true;
  }

  private endFrame(): void {
    this.inPayload = false;
    if (!this.frameFinal) return;
    const { parts } = this;
    let payload: Uint8Array;
    if (this.gather !== undefined) {
      payload = this.gather.subarray(0, this.messageSize);
      this.gather = undefined;
    } else if (parts.length === 0) payload = EMPTY;
    else if (parts.length === 1) payload = parts[0]!;
    else {
      payload = Buffer.allocUnsafe(this.messageSize);
      let at = 0;
      for (const part of parts) {
        payload.set(part, at);
        at += part.length;
      }
    }
    this.out.push({ flags: this.messageFlags, payload, offset: this.messageOffset });
    if (parts.length > 0) parts.length = 0;
    this.messageSize = 0;
    this.messageFlags = -1;
  }

  private fail(reason: string, offset: number): false {
    this.failure = new ProtocolError(`malformed frame at offset ${offset}: ${reason}`, { offset });
    return false;
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}
