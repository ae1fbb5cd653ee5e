// The `batch` option of a channel, checked and turned into what the batcher needs.
import type { BatcherOptions } from './batcher.js';
import {
  DEFAULT_BATCH_MAX_MESSAGE,
  DEFAULT_BATCH_SIZE,
  DEFAULT_BATCH_TIMEOUT,
} from './constants.js';

/** How a channel batches. */
export interface BatchOptions {
  /** Messages per batch, 1–65,536. Default `DEFAULT_BATCH_SIZE` (10). */
  size?: number;
  /** Longest a message waits for its batch, in milliseconds. Default 100. */
  timeoutMs?: number;
  /** The same in seconds, as the seed has it (`DEFAULT_BATCH_TIMEOUT`, 0.1). Give one of the two. */
  timeout?: number;
  /** Messages larger than this many bytes are not batched (the batch goes first). Default 64 KiB. */
  maxMessage?: number;
}

/** The checked `batch` option: the batcher's options and the largest message it takes. */
export interface BatchConfig extends BatcherOptions {
  /** Largest message that joins a batch. */
  maxMessage: number;
}

/** Checks `option`; undefined when batching is off. `TypeError` / `RangeError` naming the fault. */
export function batchConfig(
  option: boolean | BatchOptions | undefined,
  maxMessageSize: number,
): BatchConfig | undefined {
  if (option === undefined || option === false) return undefined;
  const o = option === true ? {} : option;
  const size = o.size ?? DEFAULT_BATCH_SIZE;
  if (o.timeout !== undefined && o.timeoutMs !== undefined) {
    throw new TypeError('give batch.timeoutMs (milliseconds) or batch.timeout (seconds), not both');
  }
  const timeoutMs = o.timeoutMs ?? (o.timeout ?? DEFAULT_BATCH_TIMEOUT) * 1000;
  if (!Number.isInteger(size) || size < 1 || size > 65_536) {
    throw new RangeError(`batch.size must be an integer 1..65536, got ${size}`);
  }
  if (!(timeoutMs >= 0 && timeoutMs <= 2 ** 31 - 1)) {
    throw new RangeError(`batch timeout must be 0..${2 ** 31 - 1} ms, got ${timeoutMs} ms`);
  }
  if (o.maxMessage !== undefined && !(Number.isInteger(o.maxMessage) && o.maxMessage >= 0)) {
    throw new RangeError(`batch.maxMessage must be an integer >= 0, got ${o.maxMessage}`);
  }
  const maxMessage = Math.min(o.maxMessage ?? DEFAULT_BATCH_MAX_MESSAGE, maxMessageSize);
  return {
    size,
    timeoutMs,
    maxMessage,
    maxBytes: Math.min(maxMessageSize, size * (4 + maxMessage)),
  };
}
