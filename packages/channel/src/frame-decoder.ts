// The wire decoder on Node: message memory from Node's allocator (no zero-fill: every byte
// is written before it is read), and failures as stream-core's own error classes.
import { BufferOverflowError, ConnectionLostError, ProtocolError } from '@sluice/stream-core';
import {
  FrameDecoder as WireFrameDecoder,
  type FrameDecoderOptions as WireFrameDecoderOptions,
} from './wire/frame-decoder.js';

export type { OpenRecord, RawMessage } from './wire/frame-decoder.js';

/** Options of a `FrameDecoder`. */
export type FrameDecoderOptions = Omit<WireFrameDecoderOptions, 'allocate'>;

const allocate = (size: number): Uint8Array => Buffer.allocUnsafe(size);

/** Turns bytes, pushed in chunks of any size, into whole `RawMessage`s (wire version 2). */
export class FrameDecoder extends WireFrameDecoder {
  constructor(options: FrameDecoderOptions = {}) {
    super({ ...options, allocate });
  }

  protected override protocolError(message: string, offset: number): Error {
    return new ProtocolError(message, { offset });
  }
  protected override overflowError(message: string, limit: number, size: number): Error {
    return new BufferOverflowError(message, { limit, size });
  }
  protected override truncatedError(message: string, offset: number): Error {
    // `offset` as a field of its own, as on ProtocolError (stream-core's ConnectionLostError
    // has no such option yet).
    return Object.assign(
      new ConnectionLostError(`the peer closed the connection mid-frame: ${message}`),
      { offset },
    );
  }
}
