// Frame encoding on Node: the wire entry's framing with memory from Node's pool (a standalone
// small ArrayBuffer per header costs more than it holds).
import type { Allocate, FramingOptions } from './wire/header.js';
import {
  encodeFrameHeader as wireEncodeFrameHeader,
  encodeFrames as wireEncodeFrames,
} from './wire/header.js';

export { type FramingOptions, headerSizeOf } from './wire/header.js';

/** Node's allocator for frames and messages: pooled, not zero-filled (all of it is written). */
export const nodeAllocate: Allocate = (size) => Buffer.allocUnsafe(size);

/** The header of a frame carrying `length` payload bytes (and `total`, with `FLAG_SIZED`). */
export function encodeFrameHeader(flags: number, length: number, total = 0): Uint8Array {
  return wireEncodeFrameHeader(flags, length, total, nodeAllocate);
}

/**
 * The buffers to write for one message payload carrying `flags` (message flags; FINAL and
 * SIZED are set here): headers and payload views, never copies of large payloads. A payload
 * larger than `frameSize` (a number: the frame size) is split into frames, the first announcing the total size.
 */
export function encodeFrames(
  payload: Uint8Array,
  flags: number,
  options: number | FramingOptions = {},
): Uint8Array[] {
  const o = typeof options === 'number' ? { frameSize: options } : options;
  return wireEncodeFrames(payload, flags, { allocate: nodeAllocate, ...o });
}
