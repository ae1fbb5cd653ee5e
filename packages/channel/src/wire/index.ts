/**
 * `@sluice/channel/wire`: the channel's wire format (version 2) for any JavaScript runtime,
 * a browser page included. `Uint8Array` and `DataView` only: no Node built-ins, no `Buffer`.
 * It frames message payloads and decodes frames, pushed in chunks of any size, back into
 * whole messages (continuation frames joined, caps checked before anything is allocated).
 * Batches (`decodeBatch`, `encodeBatchAfter`) are here too; compression and encryption are
 * the layers above, and their flag bits are here. Failures are stream-core's own error
 * classes (`ProtocolError`, `BufferOverflowError`, `ConnectionLostError`), re-exported here
 * from its browser-safe `@sluice/stream-core/errors`.
 *
 * @example
 * ```ts
 * import { encodeFrames, FrameDecoder } from '@sluice/channel/wire';
 *
 * socket.binaryType = 'arraybuffer';
 * const decoder = new FrameDecoder({ maxMessageSize: 1 << 20 });
 * socket.onmessage = (event) => {
 *   decoder.push(new Uint8Array(event.data));
 *   for (let m = decoder.shift(); m; m = decoder.shift()) console.log(m.flags, m.payload);
 * };
 * for (const part of encodeFrames(new TextEncoder().encode('hello'), 0)) socket.send(part);
 * ```
 * @packageDocumentation
 */

export {
  type BatchErrorFactory,
  batchBytes,
  decodeBatch,
  encodeBatchAfter,
  MAX_BATCH_ENTRY,
  MAX_BATCH_MESSAGES,
} from './batch.js';
export {
  ALGORITHM_MASK,
  ALGORITHM_SHIFT,
  CONTROL_ALERT,
  CONTROL_CLOSE,
  CONTROL_HANDSHAKE,
  CONTROL_HELLO,
  CONTROL_REKEY,
  DEFAULT_FRAME_SIZE,
  DEFAULT_MAX_MESSAGE_SIZE,
  FLAG_BATCH,
  FLAG_COMPRESSED,
  FLAG_CONTROL,
  FLAG_ENCRYPTED,
  FLAG_FINAL,
  FLAG_SIZED,
  HEADER_SIZE,
  MAX_CONTROL_PAYLOAD,
  MAX_FRAME_PAYLOAD,
  MAX_HEADER_SIZE,
  MESSAGE_FLAGS,
  TOTAL_SIZE_BYTES,
  WIRE_VERSION,
} from './constants.js';
// The error family (stream-core's classes) and the deprecated Wire* aliases.
export * from './errors.js';
export {
  type ControlHandler,
  FrameDecoder,
  type FrameDecoderOptions,
  type OpenRecord,
  type RawMessage,
} from './frame-decoder.js';
export {
  type Allocate,
  allocateZeroed,
  encodeControlFrame,
  encodeFrameHeader,
  encodeFrames,
  type FramingOptions,
  headerSizeOf,
  type SealRecord,
  writeFrameHeader,
} from './header.js';
