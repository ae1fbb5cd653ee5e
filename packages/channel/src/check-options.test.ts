// Options that would do nothing are refused, naming what is wrong (issue 13, item 7).
import { createStreamPair } from '@sluice/stream-core/testing';
import { describe, expect, it } from 'vitest';
import { Channel } from './channel.js';
import { CompressedChannel } from './seed-channels.js';

const make = (options: unknown): Channel => {
  const [a] = createStreamPair();
  return new Channel(a, options as never);
};

describe('Channel options', () => {
  it.each<[string, unknown, ErrorConstructor, RegExp]>([
    [
      'encrypt: true without a key',
      { encrypt: true, key: new Uint8Array(32) },
      TypeError,
      /new Channel\(\): unknown option 'key' \(known: compress, maxMessageSize, frameSize, batch, encrypt\)/,
    ],
    ['encrypt: true', { encrypt: true }, TypeError, /encrypt: true has no key/],
    [
      'a key of the wrong size',
      { encrypt: { key: new Uint8Array(16) } },
      RangeError,
      /32 bytes.*16 bytes/,
    ],
    [
      'an unknown encrypt option',
      { encrypt: { key: new Uint8Array(32), psk: 1 } },
      TypeError,
      /new Channel\(\{ encrypt \}\): unknown option 'psk' \(known: key, staticKeyPair/,
    ],
    [
      'static keys without allowed peers',
      {
        encrypt: {
          staticKeyPair: { publicKey: new Uint8Array(32), privateKey: new Uint8Array(32) },
        },
      },
      TypeError,
      /allowedPeers/,
    ],
    [
      'compression level 12',
      { compress: { level: 12 } },
      RangeError,
      /deflate must be an integer 0\.\.9, got 12/,
    ],
    ['brotli level 12', { compress: { algorithm: 'brotli', level: 12 } }, RangeError, /0\.\.11/],
    ['an unknown algorithm', { compress: 'lz4' }, TypeError, /unknown compression algorithm 'lz4'/],
    [
      'an unknown option',
      { compression: true },
      TypeError,
      /new Channel\(\): unknown option 'compression'/,
    ],
    [
      'two unknown options',
      { compression: true, batchSize: 10 },
      TypeError,
      /new Channel\(\): unknown options 'compression', 'batchSize'/,
    ],
    [
      'options that are not an object',
      42,
      TypeError,
      /new Channel\(\): options must be an object, got 42/,
    ],
    [
      'an unknown compress option',
      { compress: { lvl: 9 } },
      TypeError,
      /new Channel\(\{ compress \}\): unknown option 'lvl' \(known: algorithm, level, threshold\)/,
    ],
    [
      'an unknown batch option',
      { batch: { batch_size: 10 } },
      TypeError,
      /new Channel\(\{ batch \}\): unknown option 'batch_size' \(known: size, timeout, timeoutMs, maxMessage\)/,
    ],
    ['both batch timeouts', { batch: { timeout: 1, timeoutMs: 5 } }, TypeError, /not both/],
    ['a zero maxMessageSize', { maxMessageSize: 0 }, RangeError, /maxMessageSize/],
    ['a fractional frameSize', { frameSize: 1.5 }, RangeError, /frameSize/],
  ])('refuses %s', (_name, options, type, message) => {
    expect(() => make(options)).toThrow(type);
    expect(() => make(options)).toThrow(message);
  });

  it("refuses the seed's compression level 12 instead of clamping it", () => {
    const [a] = createStreamPair();
    expect(() => new CompressedChannel(a, 12)).toThrow(RangeError);
  });

  it('takes batch.timeoutMs in milliseconds', () => {
    expect(() => make({ batch: { timeoutMs: 5 } })).not.toThrow();
  });
});
