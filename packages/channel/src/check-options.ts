// Options that would do nothing are refused (issue 13, item 7): a misspelt or unknown name is
// a `TypeError` that names it, a value out of range a `RangeError`. TypeScript already catches
// these at compile time; this is for JavaScript callers and the seed's spellings.
import { unknownNames } from './encryption/options.js';
import { MAX_FRAME_PAYLOAD } from './wire/constants.js';

const CHANNEL_OPTIONS = new Set(['compress', 'maxMessageSize', 'frameSize', 'batch', 'encrypt']);
const BATCH_OPTIONS = new Set(['size', 'timeout', 'timeoutMs', 'maxMessage']);
const COMPRESS_OPTIONS = new Set(['algorithm', 'level', 'threshold']);

/** Checks a `Channel`'s options (the encryption's own are checked by `encryptConfig`). */
export function checkChannelOptions(options: unknown): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Channel options must be an object, got ${String(options)}`);
  }
  unknownNames(options, CHANNEL_OPTIONS, 'Channel');
  const o = options as Record<string, unknown>;
  sizeOption(o.maxMessageSize, 'maxMessageSize', 2 ** 53 - 1);
  // A sealed record adds its 16-byte tag to the frame's payload.
  sizeOption(o.frameSize, 'frameSize', MAX_FRAME_PAYLOAD - 16);
  const { batch, compress } = o;
  if (typeof batch === 'object' && batch !== null) unknownNames(batch, BATCH_OPTIONS, 'batch');
  else if (batch !== undefined && typeof batch !== 'boolean') {
    throw new TypeError(`batch must be true, false or an object of options, got ${String(batch)}`);
  }
  if (typeof compress === 'object' && compress !== null) {
    unknownNames(compress, COMPRESS_OPTIONS, 'compress');
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
