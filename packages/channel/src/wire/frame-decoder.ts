// Incremental push decoder for wire version 2. It keeps the parsed header between chunks,
// walks offsets instead of re-concatenating, and checks every announced size against the
// message cap before anything is allocated. A one-frame message inside one chunk is a view
// of it; any other message is gathered into one buffer of its announced size, so memory for
// a message is its size plus a constant, however it is framed (a million 1-byte frames cost
// a million header parses, not a million views). An encrypted record is opened where it lies
// when one chunk holds it, else gathered (ciphertext only) into a buffer of its own, which a
// transport may read straight into (`readTarget()`).
import {
  ALGORITHM_MASK,
  ALGORITHM_SHIFT,
  DEFAULT_MAX_MESSAGE_SIZE,
  FLAG_BATCH,
  FLAG_COMPRESSED,
  FLAG_CONTROL,
  FLAG_ENCRYPTED,
  FLAG_FINAL,
  FLAG_SIZED,
  HEADER_SIZE,
  MAX_CONTROL_PAYLOAD,
  MAX_HEADER_SIZE,
  MESSAGE_FLAGS,
  WIRE_VERSION,
} from './constants.js';
import { BufferOverflowError, ConnectionLostError, ProtocolError } from './errors.js';
import { type Allocate, allocateZeroed, headerSizeOf } from './header.js';

/** A whole message as framed: its message flags and its (still layered) payload. */
export interface RawMessage {
  /** Message flags (batch, compression, encryption bits); FINAL and SIZED are stripped. */
  flags: number;
  /** The payload of all its frames, joined (decrypted, when encrypted). */
  payload: Uint8Array;
  /** Byte offset of its first frame header in the input. */
  offset: number;
}

/** Opens one record: the plaintext of `record` authenticated with `header`; throws if forged. */
export type OpenRecord = (header: Uint8Array, record: Uint8Array) => Uint8Array;

/** Takes one control frame: its type, body, whether it was a verified record, its offset. */
export type ControlHandler = (
  type: number,
  body: Uint8Array,
  encrypted: boolean,
  offset: number,
) => void;

/** Options of a `FrameDecoder`. */
export interface FrameDecoderOptions {
  /** Largest message (sum of its payloads) accepted, in bytes. Default 64 MiB. */
  maxMessageSize?: number;
  /** Where message memory comes from. Default `new Uint8Array`. */
  allocate?: Allocate;
  /** Refuse unencrypted data frames (an encrypted channel). Default false. */
  requireEncryption?: boolean;
  /**
   * Takes control frames as they are decoded, before the next frame is parsed (so a rekey or
   * a completed handshake applies to the very next record). Throw to fail the decoder.
   * Without it, control frames are emitted as messages with `FLAG_CONTROL` in `flags`.
   */
  onControl?: ControlHandler;
}

const EMPTY = new Uint8Array(0);
// Messages this large are read into their own buffers (`readTarget()`): one read system call
// per message, which for smaller ones costs more than copying them out of ordinary reads.
// It goes by the message's size, not by what is left of it: a read that ends just short of a
// message's end re-aligns the reads to the messages (a small read to the next header), where
// skipping it would leave every later message straddling two ordinary reads.
const MIN_READ_TARGET = 32 * 1024;
const TAG_SIZE = 16;

/** Turns bytes, pushed in chunks of any size, into whole `RawMessage`s. */
export class FrameDecoder {
  readonly #maxMessageSize: number;
  readonly #allocate: Allocate;
  readonly #requireEncryption: boolean;
  readonly #onControl: ControlHandler | undefined;
  #open: OpenRecord | undefined;
  // The header being read: bytes gathered across chunks, and a copy of a record's header
  // (its associated data).
  readonly #header = new Uint8Array(MAX_HEADER_SIZE);
  readonly #recordHeader = new Uint8Array(MAX_HEADER_SIZE);
  #headerFill = 0;
  // The frame being read.
  #inPayload = false;
  #frameFlags = 0;
  #frameLength = 0;
  #frameRemaining = 0;
  #frameStart = 0;
  #record: Uint8Array | undefined;
  #recordAt = 0;
  // The message being read.
  #messageFlags = -1;
  #messageTotal = -1;
  #messageSize = 0;
  #messageOffset = 0;
  #gather: Uint8Array | undefined;
  #gatherAt = 0;
  #position = 0;
  readonly #out: RawMessage[] = [];
  #outHead = 0;
  #failure: Error | undefined;

  constructor(options: FrameDecoderOptions = {}) {
    this.#maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    this.#allocate = options.allocate ?? allocateZeroed;
    this.#requireEncryption = options.requireEncryption ?? false;
    this.#onControl = options.onControl;
  }

  /**
   * From now on, frames with `FLAG_ENCRYPTED` are opened with `open` (an encrypted channel
   * installs it once its handshake completes). Undefined: encrypted frames are refused.
   */
  setRecordOpener(open: OpenRecord | undefined): void {
    this.#open = open;
  }

  /** Bytes consumed so far (the offset of the next unread byte). */
  get offset(): number {
    return this.#position;
  }

  /** True while a frame or a multi-frame message is incomplete. */
  get midMessage(): boolean {
    return this.#headerFill > 0 || this.#inPayload || this.#messageFlags !== -1;
  }

  /** True once malformed input was found (`shift()` throws it after the messages before it). */
  get failed(): boolean {
    return this.#failure !== undefined;
  }

  /** Number of complete messages waiting in `shift()`. */
  get pending(): number {
    return this.#out.length - this.#outHead;
  }

  /**
   * Parses `chunk`. Complete messages become available from `shift()`. Malformed input is not
   * thrown here: `shift()` throws it once the messages before it have been taken.
   */
  push(chunk: Uint8Array): void {
    let i = 0;
    const n = chunk.length;
    while (i < n && this.#failure === undefined) {
      if (this.#inPayload) {
        i = this.#takePayload(chunk, i);
        continue;
      }
      let size: number;
      if (this.#headerFill === 0 && n - i >= 2 && n - i >= headerSizeOf(chunk[i + 1]!)) {
        size = headerSizeOf(chunk[i + 1]!);
        if (!this.#parseHeader(chunk, i, size)) break;
        i += size;
      } else {
        const need = this.#headerFill < 2 ? 2 : headerSizeOf(this.#header[1]!);
        const take = Math.min(need - this.#headerFill, n - i);
        this.#header.set(chunk.subarray(i, i + take), this.#headerFill);
        this.#headerFill += take;
        i += take;
        if (this.#headerFill < 2 || this.#headerFill < headerSizeOf(this.#header[1]!)) continue;
        size = this.#headerFill;
        this.#headerFill = 0;
        if (!this.#parseHeader(this.#header, 0, size)) break;
      }
      i = this.#beginPayload(chunk, i);
    }
  }

  /**
   * Where the next input bytes belong while a large message (or a large encrypted record) is
   * being gathered: the rest of its frame, plus room for the header after it. Input later
   * pushed as a view of exactly that memory is taken without a copy. Undefined when there is
   * no such place (or the message is too small to be worth reads of its own).
   */
  readTarget(): Uint8Array | undefined {
    if (!this.#inPayload || this.#failure !== undefined) return undefined;
    if (this.#isRecordFrame()) return this.#recordTarget();
    const gather = this.#gather;
    if (gather === undefined || gather.length < MIN_READ_TARGET + HEADER_SIZE) return undefined;
    // The next header lands where the next frame's payload will go (it is parsed before that
    // payload arrives), or in the room left behind the message.
    const end = Math.min(gather.length, this.#gatherAt + this.#frameRemaining + HEADER_SIZE);
    return gather.subarray(this.#gatherAt, end);
  }

  /** The next complete message; throws the decoding error once no message precedes it. */
  shift(): RawMessage | undefined {
    if (this.#outHead < this.#out.length) {
      const message = this.#out[this.#outHead++]!;
      if (this.#outHead === this.#out.length) {
        this.#out.length = 0;
        this.#outHead = 0;
      }
      return message;
    }
    if (this.#failure) throw this.#failure;
    return undefined;
  }

  /**
   * Declares the end of input. Input that stops inside a frame or a message is a truncation
   * (stream-core's `ConnectionLostError`, with the offset where it stopped).
   */
  end(): void {
    if (this.#failure === undefined && this.midMessage) {
      this.#failure = this.truncatedError(
        `input ended inside a frame or message (message started at offset ${this.#messageOffset}, ended at ${this.#position})`,
        this.#position,
      );
    }
  }

  /** Records a failure from outside (a layer above refused a message); `shift()` throws it. */
  fail(error: Error): void {
    this.#failure ??= error;
  }

  // The three kinds of failure (overridden on Node for messages of its own).
  protected protocolError(message: string, offset: number): Error {
    return new ProtocolError(message, { offset });
  }
  protected overflowError(message: string, limit: number, size: number): Error {
    return new BufferOverflowError(message, { limit, size });
  }
  protected truncatedError(message: string, offset: number): Error {
    return new ConnectionLostError(message, { offset });
  }

  // The rest of a large encrypted record and room for the next header, in the record's own
  // buffer (made here, before its bytes arrive: its length was checked against the cap with
  // the header). Only ciphertext lands there; `#endRecord` opens it once it is whole.
  #recordTarget(): Uint8Array | undefined {
    if ((this.#frameFlags & FLAG_CONTROL) !== 0 || this.#frameLength < MIN_READ_TARGET) {
      return undefined;
    }
    const record = this.#recordBuffer();
    const end = Math.min(record.length, this.#recordAt + this.#frameRemaining + HEADER_SIZE);
    return record.subarray(this.#recordAt, end);
  }

  // The current record's buffer, made on first need. Records that may be read in place get
  // room behind them for the next header (as gathers do).
  #recordBuffer(): Uint8Array {
    if (this.#record !== undefined) return this.#record;
    const length = this.#frameLength;
    const readable = (this.#frameFlags & FLAG_CONTROL) === 0 && length >= MIN_READ_TARGET;
    this.#record = this.#allocate(readable ? length + HEADER_SIZE : length);
    return this.#record;
  }

  #takePayload(chunk: Uint8Array, i: number): number {
    const take = Math.min(this.#frameRemaining, chunk.length - i);
    if (this.#isRecordFrame()) {
      if (this.#recordAt === 0 && take === this.#frameLength) {
        // The whole record is in this chunk (maybe read into the record's own buffer): open
        // it where it lies.
        this.#advance(take);
        this.#endRecord(chunk.subarray(i, i + take));
        return i + take;
      }
      const record = this.#recordBuffer();
      // Bytes the transport read straight into place (`readTarget`) are not copied again.
      if (!isViewAt(chunk, i, record, this.#recordAt)) {
        record.set(chunk.subarray(i, i + take), this.#recordAt);
      }
      this.#recordAt += take;
      this.#advance(take);
      if (this.#frameRemaining === 0) this.#endRecord(record.subarray(0, this.#frameLength));
      return i + take;
    }
    const gather = this.#gather!;
    // Bytes the transport read straight into place (`readTarget`) are not copied again.
    if (!isViewAt(chunk, i, gather, this.#gatherAt)) {
      gather.set(chunk.subarray(i, i + take), this.#gatherAt);
    }
    this.#gatherAt += take;
    this.#advance(take);
    if (this.#frameRemaining === 0) this.#endPlainFrame();
    return i + take;
  }

  #advance(bytes: number): void {
    this.#position += bytes;
    this.#frameRemaining -= bytes;
    if (this.#frameRemaining === 0) this.#inPayload = false;
  }

  #isRecordFrame(): boolean {
    return (this.#frameFlags & (FLAG_ENCRYPTED | FLAG_CONTROL)) !== 0;
  }

  // After a good header: an empty frame ends at once; a plain one-frame message inside this
  // chunk is handed out as a view of it; anything else starts its buffer.
  #beginPayload(chunk: Uint8Array, i: number): number {
    if (this.#isRecordFrame()) {
      this.#record = undefined;
      this.#recordAt = 0;
      if (this.#frameLength === 0) {
        this.#endRecord(EMPTY);
        return i;
      }
      this.#inPayload = true;
      return i;
    }
    const final = (this.#frameFlags & FLAG_FINAL) !== 0;
    if (this.#gather === undefined) {
      if (final && this.#frameLength <= chunk.length - i) {
        const payload = this.#frameLength === 0 ? EMPTY : chunk.subarray(i, i + this.#frameLength);
        this.#position += this.#frameLength;
        this.#emit(payload);
        return i + this.#frameLength;
      }
      // Room behind the message for the next header, so a transport reading into
      // `readTarget()` reads the rest of the message and the next header in one go.
      const size = this.#messageTotal >= 0 ? this.#messageTotal : this.#frameLength;
      this.#gather = this.#allocate(size + HEADER_SIZE);
      this.#gatherAt = 0;
    }
    if (this.#frameLength === 0) this.#endPlainFrame();
    else this.#inPayload = true;
    return i;
  }

  #endPlainFrame(): void {
    if ((this.#frameFlags & FLAG_FINAL) === 0) return;
    const payload = this.#gather!.subarray(0, this.#messageSize);
    this.#gather = undefined;
    this.#emit(payload);
  }

  #endRecord(record: Uint8Array): void {
    let plain = record;
    const encrypted = (this.#frameFlags & FLAG_ENCRYPTED) !== 0;
    const headerSize = headerSizeOf(this.#frameFlags);
    this.#record = undefined;
    try {
      if (encrypted) plain = this.#open!(this.#recordHeader.subarray(0, headerSize), record);
      if (this.#frameFlags & FLAG_CONTROL) {
        this.#messageFlags = -1;
        if (this.#onControl === undefined) {
          this.#out.push({ flags: FLAG_CONTROL, payload: plain, offset: this.#frameStart });
        } else if (plain.length === 0) {
          this.#failure = this.protocolError(
            `empty control frame at offset ${this.#frameStart}`,
            this.#frameStart,
          );
        } else {
          this.#onControl(plain[0]!, plain.subarray(1), encrypted, this.#frameStart);
        }
        return;
      }
    } catch (error) {
      this.#failure ??= error instanceof Error ? error : new Error(String(error));
      return;
    }
    const final = (this.#frameFlags & FLAG_FINAL) !== 0;
    if (final && this.#gather === undefined) {
      this.#emit(plain);
      return;
    }
    if (this.#gather === undefined) {
      this.#gather = this.#allocate(this.#messageTotal);
      this.#gatherAt = 0;
    }
    this.#gather.set(plain, this.#gatherAt);
    this.#gatherAt += plain.length;
    if (final) this.#endPlainFrame();
  }

  #emit(payload: Uint8Array): void {
    if (this.#messageTotal >= 0 && this.#messageSize !== this.#messageTotal) {
      this.#failure = this.protocolError(
        `message at offset ${this.#messageOffset} ended after ${this.#messageSize} bytes, but its first frame announced ${this.#messageTotal}`,
        this.#frameStart,
      );
      return;
    }
    this.#out.push({ flags: this.#messageFlags, payload, offset: this.#messageOffset });
    this.#messageFlags = -1;
    this.#messageTotal = -1;
    this.#messageSize = 0;
  }

  // Returns false when the header is bad (the failure is recorded).
  #parseHeader(b: Uint8Array, at: number, size: number): boolean {
    const start = this.#position;
    this.#position += size;
    const version = b[at]!;
    const flags = b[at + 1]!;
    const length = ((b[at + 2]! << 24) | (b[at + 3]! << 16) | (b[at + 4]! << 8) | b[at + 5]!) >>> 0;
    if (version !== WIRE_VERSION) {
      return this.#bad(
        version === 1
          ? `the peer speaks wire version 1, this reader speaks version ${WIRE_VERSION}: upgrade the peer's @sluice/channel`
          : `unsupported wire format version ${version} (this reader speaks version ${WIRE_VERSION})`,
        start,
      );
    }
    const algorithm = (flags & ALGORITHM_MASK) >> ALGORITHM_SHIFT;
    if ((flags & FLAG_COMPRESSED) === 0 ? algorithm !== 0 : algorithm === 3) {
      return this.#bad(
        `invalid compression algorithm bits in frame flags 0x${hex(flags)}`,
        start + 1,
      );
    }
    const final = (flags & FLAG_FINAL) !== 0;
    const encrypted = (flags & FLAG_ENCRYPTED) !== 0;
    if (encrypted && this.#open === undefined) {
      return this.#bad(
        `encrypted frame (flags 0x${hex(flags)}), but this reader has no key for it${this.#requireEncryption ? ' yet (the handshake is not complete)' : ''}`,
        start + 1,
      );
    }
    if (encrypted && length < TAG_SIZE) {
      return this.#bad(`encrypted frame of ${length} bytes is shorter than its tag`, start + 2);
    }
    const plainLength = encrypted ? length - TAG_SIZE : length;
    if (flags & FLAG_CONTROL) {
      if (this.#messageFlags !== -1) {
        return this.#bad('control frame inside a message', start + 1);
      }
      if (!final || (flags & (FLAG_BATCH | FLAG_COMPRESSED | FLAG_SIZED)) !== 0) {
        return this.#bad(`control frame with flags 0x${hex(flags)}`, start + 1);
      }
      if (plainLength > MAX_CONTROL_PAYLOAD) {
        return this.#over(
          `control frame at offset ${start} announces ${length} bytes, over ${MAX_CONTROL_PAYLOAD}`,
          MAX_CONTROL_PAYLOAD,
          plainLength,
        );
      }
      this.#startFrame(flags, length, start, b, at, size);
      return true;
    }
    if (this.#requireEncryption && !encrypted) {
      return this.#bad(`unencrypted data frame on an encrypted channel`, start + 1);
    }
    const messageFlags = flags & MESSAGE_FLAGS;
    const sized = (flags & FLAG_SIZED) !== 0;
    if (this.#messageFlags === -1) {
      let total = -1;
      if (sized) {
        const view = new DataView(b.buffer, b.byteOffset + at + HEADER_SIZE, 8);
        total = view.getUint32(0) * 2 ** 32 + view.getUint32(4);
        if (total > this.#maxMessageSize) {
          return this.#over(
            `message at offset ${start} announces ${total} bytes, over maxMessageSize ${this.#maxMessageSize}`,
            this.#maxMessageSize,
            total,
          );
        }
        if (total < plainLength || (final && total !== plainLength)) {
          return this.#bad(
            `message announces ${total} bytes in all, but its first frame carries ${plainLength}`,
            start + HEADER_SIZE,
          );
        }
      } else if (!final) {
        return this.#bad(
          'the first frame of a chunked message must announce its total size (flag 0x40)',
          start + 1,
        );
      }
      this.#messageFlags = messageFlags;
      this.#messageTotal = total;
      this.#messageOffset = start;
      this.#messageSize = 0;
    } else if (sized) {
      return this.#bad('a continuation frame must not announce a total size', start + 1);
    } else if (this.#messageFlags !== messageFlags) {
      return this.#bad(
        `continuation frame flags 0x${hex(messageFlags)} differ from the message's 0x${hex(this.#messageFlags)}`,
        start + 1,
      );
    }
    if (plainLength === 0 && !final) return this.#bad('empty frame that is not final', start + 2);
    const total = this.#messageSize + plainLength;
    if (total > this.#maxMessageSize) {
      return this.#over(
        `frame at offset ${start} announces ${length} bytes, bringing the message to ${total} bytes, over maxMessageSize ${this.#maxMessageSize}`,
        this.#maxMessageSize,
        total,
      );
    }
    if (this.#messageTotal >= 0 && total > this.#messageTotal) {
      return this.#bad(
        `frame brings the message to ${total} bytes, past the ${this.#messageTotal} its first frame announced`,
        start + 2,
      );
    }
    this.#messageSize = total;
    this.#startFrame(flags, length, start, b, at, size);
    return true;
  }

  #startFrame(
    flags: number,
    length: number,
    start: number,
    b: Uint8Array,
    at: number,
    size: number,
  ): void {
    this.#frameFlags = flags;
    this.#frameLength = length;
    this.#frameRemaining = length;
    this.#frameStart = start;
    if (flags & FLAG_ENCRYPTED) this.#recordHeader.set(b.subarray(at, at + size));
  }

  #bad(reason: string, offset: number): false {
    this.#failure = this.protocolError(`malformed frame at offset ${offset}: ${reason}`, offset);
    return false;
  }

  #over(message: string, limit: number, size: number): false {
    this.#failure = this.overflowError(message, limit, size);
    return false;
  }
}

// True when `chunk` from `i` is the very memory of `into` from `at` (it was read there).
function isViewAt(chunk: Uint8Array, i: number, into: Uint8Array, at: number): boolean {
  return chunk.buffer === into.buffer && chunk.byteOffset + i === into.byteOffset + at;
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}
