import { BufferOverflowError, CompressionError, ConnectionLostError } from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import { decodeMessages, encodeMessages } from './codec.js';
import { compressSync } from './compression.js';
import { encodeFrames } from './header.js';

const texts = ['hello', '', 'x'.repeat(2000), 'the end'];

describe('encodeMessages / decodeMessages', () => {
  it.each([
    ['plain', {}],
    ['compressed', { compress: true }],
    ['brotli', { compress: 'brotli' as const }],
    ['batched', { batchSize: 3 }],
    ['batched + zstd', { batchSize: 3, compress: { algorithm: 'zstd' as const, threshold: 0 } }],
  ])('round-trips %s', async (_name, options) => {
    const wire = await encodeMessages(texts, options);
    const got = await decodeMessages(wire);
    expect(got.map((m) => Buffer.from(m).toString())).toEqual(texts);
  });

  it('produces the documented bytes for a batch of two', async () => {
    const wire = await encodeMessages(['hi', 'yo'], { batchSize: 2 });
    expect(Buffer.from(wire).toString('hex')).toBe(
      '02030000000c' + '000000026869' + '00000002796f',
    );
  });

  it('refuses to encode a message over maxMessageSize', async () => {
    await expect(encodeMessages([Buffer.alloc(11)], { maxMessageSize: 10 })).rejects.toThrow(
      BufferOverflowError,
    );
  });

  it('reports corrupt compressed payloads as CompressionError', async () => {
    const bogus = Buffer.concat(encodeFrames(Buffer.from('not deflate at all'), 0x04));
    await expect(decodeMessages(bogus)).rejects.toThrow(CompressionError);
  });

  it('reports truncated input as ConnectionLostError (bytes missing, not wrong)', async () => {
    const wire = await encodeMessages(['hello']);
    await expect(decodeMessages(wire.subarray(0, 8))).rejects.toThrow(ConnectionLostError);
  });

  it('caps decompressed size at maxMessageSize even when the frame is small', async () => {
    const bomb = compressSync(Buffer.alloc(1024 * 1024), 'zstd');
    const wire = Buffer.concat(encodeFrames(bomb, 0x04 | (2 << 4)));
    await expect(decodeMessages(wire, { maxMessageSize: 64 * 1024 })).rejects.toThrow(
      /decompresses to more than maxMessageSize/,
    );
  });
});
