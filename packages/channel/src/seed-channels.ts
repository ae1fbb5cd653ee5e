// The seed's `CompressedChannel`, `BatchingChannel` and `EncryptedChannel`: a `Channel` with
// one layer switched on, taking the seed's positional parameters and defaults.
import type { ByteStream } from '@sluice/stream-core';
import { Channel, type ChannelOptions } from './channel.js';
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_BATCH_TIMEOUT,
  DEFAULT_COMPRESSION_LEVEL,
} from './constants.js';
import type { EncryptOptions } from './encryption/options.js';

/** A `Channel` that deflates messages at `compressionLevel` (0–9). */
export class CompressedChannel extends Channel {
  constructor(
    stream: ByteStream,
    compressionLevel: number = DEFAULT_COMPRESSION_LEVEL,
    options: Omit<ChannelOptions, 'compress'> = {},
  ) {
    super(stream, { ...options, compress: { algorithm: 'deflate', level: compressionLevel } });
  }
}

/** A `Channel` that sends up to `batchSize` messages, or what arrived within `batchTimeout` seconds, as one frame. */
export class BatchingChannel extends Channel {
  constructor(
    stream: ByteStream,
    batchSize: number = DEFAULT_BATCH_SIZE,
    batchTimeout: number = DEFAULT_BATCH_TIMEOUT,
    options: Omit<ChannelOptions, 'batch'> = {},
  ) {
    super(stream, { ...options, batch: { size: batchSize, timeout: batchTimeout } });
  }
}

/** Options of an `EncryptedChannel`: a channel's, and the encryption's apart from the key. */
export interface EncryptedChannelOptions extends Omit<ChannelOptions, 'encrypt'> {
  /** Encryption options beyond the pre-shared key (cipher, role, timeouts, identities). */
  encrypt?: Omit<EncryptOptions, 'key'>;
}

/**
 * A `Channel` encrypted with the 32-byte pre-shared `key` (Noise NNpsk0: fresh ephemeral
 * keys per connection, so forward secrecy). Both ends create one; they settle who initiates.
 */
export class EncryptedChannel extends Channel {
  constructor(stream: ByteStream, key: Uint8Array, options: EncryptedChannelOptions = {}) {
    super(stream, { ...options, encrypt: { ...options.encrypt, key } });
  }
}
