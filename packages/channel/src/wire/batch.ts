// The batch payload (FLAG_BATCH): messages back to back, each as [length u32 BE][bytes].
import { ProtocolError } from './errors.js';
import { type Allocate, allocateZeroed } from './header.js';

/** Largest message one batch entry can hold (its u32 length). */
export const MAX_BATCH_ENTRY = 0xffff_ffff;
/**
 * Most messages one batch may hold. Without it, a 64 MiB batch of empty entries would make
 * 16 million views from a few bytes each.
 */
export const MAX_BATCH_MESSAGES = 65_536;

/** Makes the error for a malformed batch. Default: stream-core's `ProtocolError`. */
export type BatchErrorFactory = (message: string, offset: number) => Error;

const wireError: BatchErrorFactory = (message, offset) => new ProtocolError(message, { offset });

/** Bytes of the batch payload holding `messages`. */
export function batchBytes(messages: readonly Uint8Array[]): number {
  let size = 0;
  for (const m of messages) size += 4 + m.length;
  return size;
}

/**
 * The batch payload for `messages`, after `headroom` bytes left for the caller (a frame
 * header, so a batch frame is built with one copy of each message).
 */
export function encodeBatchAfter(
  messages: readonly Uint8Array[],
  headroom: number,
  allocate: Allocate = allocateZeroed,
): Uint8Array {
  if (messages.length > MAX_BATCH_MESSAGES) {
    throw new RangeError(`a batch holds at most ${MAX_BATCH_MESSAGES} messages`);
  }
  let size = headroom;
  for (const m of messages) {
    if (m.length > MAX_BATCH_ENTRY) throw new RangeError(`batch entry of ${m.length} bytes`);
    size += 4 + m.length;
  }
  const out = allocate(size);
  let at = headroom;
  for (const m of messages) {
    const n = m.length;
    out[at] = n >>> 24;
    out[at + 1] = (n >>> 16) & 0xff;
    out[at + 2] = (n >>> 8) & 0xff;
    out[at + 3] = n & 0xff;
    out.set(m, at + 4);
    at += 4 + n;
  }
  return out;
}

/**
 * Splits a batch payload into its messages (views of `payload`, no copies). A truncated
 * entry is a `ProtocolError`; `offset` is added to positions in the error (the frame's).
 */
export function decodeBatch(
  payload: Uint8Array,
  offset = 0,
  fail: BatchErrorFactory = wireError,
): Uint8Array[] {
  const out: Uint8Array[] = [];
  const n = payload.length;
  let at = 0;
  while (at < n) {
    if (out.length === MAX_BATCH_MESSAGES) {
      throw fail(
        `batch holds more than ${MAX_BATCH_MESSAGES} messages (message at offset ${offset})`,
        offset,
      );
    }
    if (n - at < 4) {
      throw fail(
        `batch entry header truncated at byte ${at} of a ${n}-byte batch (message at offset ${offset})`,
        offset,
      );
    }
    const length =
      ((payload[at]! << 24) |
        (payload[at + 1]! << 16) |
        (payload[at + 2]! << 8) |
        payload[at + 3]!) >>>
      0;
    at += 4;
    if (length > n - at) {
      throw fail(
        `batch entry at byte ${at - 4} announces ${length} bytes but only ${n - at} remain (message at offset ${offset})`,
        offset,
      );
    }
    out.push(payload.subarray(at, at + length));
    at += length;
  }
  return out;
}
