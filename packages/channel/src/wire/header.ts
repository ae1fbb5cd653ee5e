// Writing frame headers, and cutting a message payload into frames.
import {
  DEFAULT_FRAME_SIZE,
  FLAG_CONTROL,
  FLAG_ENCRYPTED,
  FLAG_FINAL,
  FLAG_SIZED,
  HEADER_SIZE,
  MAX_FRAME_PAYLOAD,
  MAX_HEADER_SIZE,
  MESSAGE_FLAGS,
  TOTAL_SIZE_BYTES,
  WIRE_VERSION,
} from './constants.js';

/** Memory for frames: `new Uint8Array` in a page, Node's pooled `Buffer.allocUnsafe` on Node. */
export type Allocate = (size: number) => Uint8Array;

/** The default allocator (zero-filled, browser-safe). */
export const allocateZeroed: Allocate = (size) => new Uint8Array(size);

/**
 * Seals one record: the AEAD of `plaintext` with `header` as associated data, as one buffer
 * or as pieces to write in order (ciphertext and tag, so a large record is not copied).
 */
export type SealRecord = (
  header: Uint8Array,
  plaintext: Uint8Array,
) => Uint8Array | readonly Uint8Array[];

/** Bytes of the header for `flags` (the total-size field included when `FLAG_SIZED` is set). */
export function headerSizeOf(flags: number): number {
  return flags & FLAG_SIZED ? MAX_HEADER_SIZE : HEADER_SIZE;
}

/**
 * Writes a frame header into `target` at `at`: `flags` as given, `length` payload bytes and,
 * with `FLAG_SIZED`, the message's `total` size. Returns the header's size.
 */
export function writeFrameHeader(
  target: Uint8Array,
  at: number,
  flags: number,
  length: number,
  total = 0,
): number {
  if (!Number.isInteger(length) || length < 0 || length > MAX_FRAME_PAYLOAD) {
    throw new RangeError(`frame length must be 0..${MAX_FRAME_PAYLOAD}, got ${length}`);
  }
  target[at] = WIRE_VERSION;
  target[at + 1] = flags & 0xff;
  target[at + 2] = length >>> 24;
  target[at + 3] = (length >>> 16) & 0xff;
  target[at + 4] = (length >>> 8) & 0xff;
  target[at + 5] = length & 0xff;
  if ((flags & FLAG_SIZED) === 0) return HEADER_SIZE;
  if (!Number.isSafeInteger(total) || total < 0) {
    throw new RangeError(`total message size must be a safe integer >= 0, got ${total}`);
  }
  const high = Math.floor(total / 2 ** 32);
  const low = total >>> 0;
  const view = new DataView(target.buffer, target.byteOffset + at + HEADER_SIZE, TOTAL_SIZE_BYTES);
  view.setUint32(0, high);
  view.setUint32(4, low);
  return MAX_HEADER_SIZE;
}

/** One frame header as its own bytes. */
export function encodeFrameHeader(
  flags: number,
  length: number,
  total = 0,
  allocate: Allocate = allocateZeroed,
): Uint8Array {
  const header = allocate(headerSizeOf(flags));
  writeFrameHeader(header, 0, flags, length, total);
  return header;
}

/** How `encodeFrames` frames a payload. */
export interface FramingOptions {
  /** Largest payload (plaintext) per frame. Default 256 KiB. */
  frameSize?: number;
  /** Where frame memory comes from. Default `new Uint8Array`. */
  allocate?: Allocate;
  /** Seals each frame's payload as one record (sets `FLAG_ENCRYPTED`). Default: plain. */
  seal?: SealRecord;
  /** Bytes a sealed record adds to its plaintext (the AEAD tag). Default 16. */
  overhead?: number;
}

// Up to this size header and payload are copied into one buffer: one small buffer beats two.
// Larger payloads go as views (a writev takes them without a copy).
const COALESCE_LIMIT = 2 * 1024;

/**
 * The buffers to write for one message payload carrying `flags` (message flags: batch,
 * compression, encryption; FINAL and SIZED are set here): headers and payload views. A
 * payload larger than `frameSize` is split into frames, the first announcing the total.
 */
export function encodeFrames(
  payload: Uint8Array,
  flags: number,
  options: FramingOptions = {},
): Uint8Array[] {
  const allocate = options.allocate ?? allocateZeroed;
  const seal = options.seal;
  const messageFlags = (flags & MESSAGE_FLAGS) | (seal ? FLAG_ENCRYPTED : 0);
  const overhead = seal ? (options.overhead ?? 16) : 0;
  const frameSize = Math.min(
    Math.max(1, Math.floor(options.frameSize ?? DEFAULT_FRAME_SIZE)),
    MAX_FRAME_PAYLOAD - overhead,
  );
  const n = payload.length;
  if (n <= frameSize) {
    if (seal) return sealedFrame(allocate, seal, messageFlags | FLAG_FINAL, payload, 0, overhead);
    if (n <= COALESCE_LIMIT) {
      const frame = allocate(HEADER_SIZE + n);
      writeFrameHeader(frame, 0, messageFlags | FLAG_FINAL, n);
      frame.set(payload, HEADER_SIZE);
      return [frame];
    }
    return [encodeFrameHeader(messageFlags | FLAG_FINAL, n, 0, allocate), payload];
  }
  const out: Uint8Array[] = [];
  for (let at = 0; at < n; at += frameSize) {
    const end = Math.min(at + frameSize, n);
    const frameFlags = messageFlags | (end === n ? FLAG_FINAL : 0) | (at === 0 ? FLAG_SIZED : 0);
    const piece = payload.subarray(at, end);
    if (seal) out.push(...sealedFrame(allocate, seal, frameFlags, piece, n, overhead));
    else out.push(encodeFrameHeader(frameFlags, end - at, n, allocate), piece);
  }
  return out;
}

/** One control frame: `type` and `body`, sealed when `seal` is given. */
export function encodeControlFrame(
  type: number,
  body: Uint8Array,
  seal?: SealRecord,
  allocate: Allocate = allocateZeroed,
): Uint8Array {
  const plain = allocate(1 + body.length);
  plain[0] = type;
  plain.set(body, 1);
  const flags = FLAG_CONTROL | FLAG_FINAL | (seal ? FLAG_ENCRYPTED : 0);
  if (seal) {
    const parts = sealedFrame(allocate, seal, flags, plain, 0, 16);
    let size = 0;
    for (const p of parts) size += p.length;
    const frame = allocate(size);
    let at = 0;
    for (const p of parts) {
      frame.set(p, at);
      at += p.length;
    }
    return frame;
  }
  const frame = allocate(HEADER_SIZE + plain.length);
  writeFrameHeader(frame, 0, flags, plain.length);
  frame.set(plain, HEADER_SIZE);
  return frame;
}

// Header and record: the header is written first, since it is the record's associated data.
function sealedFrame(
  allocate: Allocate,
  seal: SealRecord,
  flags: number,
  plaintext: Uint8Array,
  total: number,
  overhead: number,
): Uint8Array[] {
  const headerSize = headerSizeOf(flags);
  const header = allocate(headerSize);
  writeFrameHeader(header, 0, flags, plaintext.length + overhead, total);
  const record = seal(header, plaintext);
  const parts = record instanceof Uint8Array ? [header, record] : [header, ...record];
  let size = -headerSize;
  for (const p of parts) size += p.length;
  if (size !== plaintext.length + overhead) {
    throw new RangeError(`a sealed record must be ${overhead} bytes longer than its plaintext`);
  }
  return parts;
}
