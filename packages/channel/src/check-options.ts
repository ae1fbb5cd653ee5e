// Options that would do nothing are refused (issue 13, item 7): a misspelt or unknown name is
// a `TypeError` that names it, a value out of range a `RangeError`. TypeScript already catches
// these at compile time; this is for JavaScript callers and the seed's spellings. Names are
// checked by stream-core's `assertKnownOptions`, so every package words it the same way.
import { assertKnownOptions } from '@sluice/stream-core';
import { MAX_FRAME_PAYLOAD } from './wire/constants.js';

const CHANNEL_OPTIONS = ['compress', 'maxMessageSize', 'frameSize', 'batch', 'encrypt'];
const BATCH_OPTIONS = ['size', 'timeout', 'timeoutMs', 'maxMessage'];
const COMPRESS_OPTIONS = ['algorithm', 'level', 'threshold'];

/** Checks a `Channel`'s options (the encryption's own are checked by `encryptConfig`). */
export function checkChannelOptions(options: unknown): void {
  assertKnownOptions(options, CHANNEL_OPTIONS, 'new Channel()');
  if (options === undefined) return;
  const o = options as Record<string, unknown>;
  sizeOption(o.maxMessageSize, 'maxMessageSize', 2 ** 53 - 1);
  // A sealed record adds its 16-byte tag to the frame's payload.
  sizeOption(o.frameSize, 'frameSize', MAX_FRAME_PAYLOAD - 16);
  const { batch, compress } = o;
  if (typeof batch === 'object' && batch !== null) {
    assertKnownOptions(batch, BATCH_OPTIONS, 'new Channel({ batch })');
  } else if (batch !== undefined && typeof batch !== 'boolean') {
    throw new TypeError(`batch must be true, false or an object of options, got ${String(batch)}`);
  }
  if (typeof compress === 'object' && compress !== null) {
    assertKnownOptions(compress, COMPRESS_OPTIONS, 'new Channel({ compress })');
  } else if (
    compress !== undefined &&
    typeof compress !== 'boolean' &&
    typeof compress !== 'string'
  ) {
    throw new TypeError(
      `compress must be true, false, an algorithm or options, got ${String(compress)}`,
    );
  }
}

function sizeOption(value: unknown, name: string, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new RangeError(`${name} must be an integer 1..${max}, got ${String(value)}`);
  }
}
