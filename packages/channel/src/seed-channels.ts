// The seed's `CompressedChannel` and `BatchingChannel`: a `Channel` with one layer switched
// on, taking the seed's positional parameters and defaults.
import {
  type ByteStream,
  DEFAULT_BATCH_SIZE,
  DEFAULT_BATCH_TIMEOUT,
  DEFAULT_COMPRESSION_LEVEL,
} from '@sluice/stream-core';
import { Channel, type ChannelOptions } from './channel.js';

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
