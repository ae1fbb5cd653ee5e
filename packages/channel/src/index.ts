/**
 * `@sluice/channel`: whole messages over a sluice `Stream`, with optional compression
 * (deflate, brotli, zstd), batching and encryption (a Noise handshake, then one AEAD record
 * per frame), on a documented, versioned wire format.
 *
 * @example
 * ```ts
 * import { connect } from 'node:net';
 * import { Stream } from '@sluice/stream-core';
 * import { Channel } from '@sluice/channel';
 *
 * const channel = new Channel(new Stream(connect(port)), { compress: 'zstd', batch: true });
 * await channel.send('hello');
 * for await (const message of channel) console.log(message.length);
 * ```
 * @packageDocumentation
 */

export {
  BufferOverflowError,
  CompressionError,
  ConnectionLostError,
  EncryptionError,
  type EncryptionFailure,
  MAX_BUFFER_SIZE,
  ProtocolError,
  StreamClosedError,
  StreamError,
  TimeoutError,
} from '@sluice/stream-core';
export { decodeBatch, encodeBatch, MAX_BATCH_MESSAGES } from './batch.js';
export type { BatchOptions } from './batch-options.js';
export { Channel, type ChannelOptions, type SendOptions } from './channel.js';
export {
  type CodecOptions,
  decodeMessages,
  type EncodeOptions,
  encodeMessages,
  MessageCodec,
} from './codec.js';
export {
  ALGORITHM_IDS,
  type CompressionAlgorithm,
  compress,
  compressSync,
  decompress,
  SYNC_OUTPUT_BUDGET,
  SYNC_TIME_PER_TURN_MS,
} from './compression.js';
export { type CompressionOptions, compressionLayer } from './compression-layer.js';
export {
  ALGORITHM_MASK,
  ALGORITHM_SHIFT,
  CONTROL_ALERT,
  CONTROL_CLOSE,
  CONTROL_HANDSHAKE,
  CONTROL_HELLO,
  CONTROL_REKEY,
  DEFAULT_BATCH_MAX_MESSAGE,
  DEFAULT_BATCH_SIZE,
  DEFAULT_BATCH_TIMEOUT,
  DEFAULT_COMPRESSION_LEVEL,
  DEFAULT_COMPRESSION_THRESHOLD,
  DEFAULT_FRAME_SIZE,
  DEFAULT_MAX_MESSAGE_SIZE,
  FLAG_BATCH,
  FLAG_COMPRESSED,
  FLAG_CONTROL,
  FLAG_ENCRYPTED,
  FLAG_FINAL,
  FLAG_SIZED,
  HEADER_SIZE,
  MAX_FRAME_PAYLOAD,
  MAX_HEADER_SIZE,
  TOTAL_SIZE_BYTES,
  WIRE_VERSION,
} from './constants.js';
export {
  DEFAULT_SCRYPT_PARAMS,
  decodeKeyFile,
  deriveKey,
  encodeKeyFile,
  generateKey,
  KEY_FILE_PREFIX,
  KEY_SIZE,
  type ScryptParams,
} from './encryption/key-file.js';
export {
  type AllowedPeers,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_REKEY_BYTES,
  DEFAULT_REKEY_INTERVAL_MS,
  DEFAULT_REKEY_RECORDS,
  type EncryptOptions,
  type RekeyOptions,
} from './encryption/options.js';
export {
  FrameDecoder,
  type FrameDecoderOptions,
  type OpenRecord,
  type RawMessage,
} from './frame-decoder.js';
export { encodeFrameHeader, encodeFrames, type FramingOptions } from './header.js';
export type { LayerOutput, PayloadLayer } from './layer.js';
export {
  CipherState,
  generateKeyPair,
  Handshake,
  type HandshakeOptions,
  type KeyPair,
  type NoiseCipher,
  type NoisePattern,
  type TransportStates,
} from './noise/index.js';
export {
  BatchingChannel,
  CompressedChannel,
  EncryptedChannel,
  type EncryptedChannelOptions,
} from './seed-channels.js';
