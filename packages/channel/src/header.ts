// Encoding of one frame header, and the chunking of a message into frames.
import {
  DEFAULT_FRAME_SIZE,
  FLAG_FINAL,
  HEADER_SIZE,
  MAX_FRAME_PAYLOAD,
  MESSAGE_FLAGS,
  WIRE_VERSION,
} from './constants.js';

/** The 6-byte header of a frame carrying `length` payload bytes. */
export function encodeFrameHeader(flags: number, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > MAX_FRAME_PAYLOAD) {
    throw new RangeError(`frame length must be 0..${MAX_FRAME_PAYLOAD}, got ${length}`);
  }
  // From Node's shared pool: a standalone 6-byte ArrayBuffer per frame costs more than it holds.
  const header = Buffer.allocUnsafe(HEADER_SIZE);
  writeHeader(header, 0, flags, length);
  return header;
}

/** Writes a frame header (`flags` as given, FINAL included) into `target` at `at`. */
export function writeFrameHeader(
  target: Uint8Array,
  at: number,
  flags: number,
  length: number,
): void {
  writeHeader(target, at, flags, length);
}

function writeHeader(target: Uint8Array, at: number, flags: number, length: number): void {
  target[at] = WIRE_VERSION;
  target[at + 1] = flags & 0xff;
  target[at + 2] = length >>> 24;
  target[at + 3] = (length >>> 16) & 0xff;
  target[at + 4] = (length >>> 8) & 0xff;
  target[at + 5] = length & 0xff;
}

// Up to this size header and payload are copied into one buffer from Node's pool: one small
// buffer beats two. Larger payloads go as views: frames are corked per tick into one writev,
// and a copy would need a buffer of its own (beyond the pool's 4 KiB) per message.
const COALESCE_LIMIT = 2 * 1024;

/**
 * The buffers to write for one message payload carrying `flags` (message flags; FINAL is
 * added here): headers and payload views, never copies of large payloads. A payload larger
 * than `frameSize` is split into frames that continue until the final one.
 */
export function encodeFrames(
  payload: Uint8Array,
  flags: number,
  frameSize: number = DEFAULT_FRAME_SIZE,
): Uint8Array[] {
  const messageFlags = flags & MESSAGE_FLAGS;
  const size = Math.min(Math.max(1, Math.floor(frameSize)), MAX_FRAME_PAYLOAD);
  if (payload.length <= COALESCE_LIMIT && payload.length <= size) {
    const frame = Buffer.allocUnsafe(HEADER_SIZE + payload.length);
    writeHeader(frame, 0, messageFlags | FLAG_FINAL, payload.length);
    frame.set(payload, HEADER_SIZE);
    return [frame];
  }
  const out: Uint8Array[] = [];
  for (let at = 0; at < payload.length; at += size) {
    const end = Math.min(at + size, payload.length);
    const final = end === payload.length ? FLAG_FINAL : 0;
    out.push(encodeFrameHeader(messageFlags | final, end - at), payload.subarray(at, end));
  }
  return out;
}
