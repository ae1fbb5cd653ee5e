// The batch payload on Node: the wire entry's code, with memory from Node's pool and
// stream-core's own `ProtocolError`. One batch is one frame (or one chunked message), one
// write and one compression call.
import { ProtocolError } from '@sluice/stream-core';
import { nodeAllocate } from './header.js';
import {
  type BatchErrorFactory,
  decodeBatch as wireDecodeBatch,
  encodeBatchAfter as wireEncodeBatchAfter,
} from './wire/batch.js';

export { batchBytes, MAX_BATCH_ENTRY, MAX_BATCH_MESSAGES } from './wire/batch.js';

const protocolError: BatchErrorFactory = (message, offset) =>
  new ProtocolError(message, { offset });

/** Joins `messages` into one batch payload. */
export function encodeBatch(messages: readonly Uint8Array[]): Uint8Array {
  return wireEncodeBatchAfter(messages, 0, nodeAllocate);
}

/**
 * The batch payload for `messages`, after `headroom` bytes left for the caller (a frame
 * header, so a batch frame is built with one copy of each message).
 */
export function encodeBatchAfter(messages: readonly Uint8Array[], headroom: number): Uint8Array {
  return wireEncodeBatchAfter(messages, headroom, nodeAllocate);
}

/**
 * Splits a batch payload into its messages (views of `payload`, no copies). A truncated
 * entry is a `ProtocolError`; `offset` is added to positions in the error (the frame's).
 */
export function decodeBatch(payload: Uint8Array, offset = 0): Uint8Array[] {
  return wireDecodeBatch(payload, offset, protocolError);
}
