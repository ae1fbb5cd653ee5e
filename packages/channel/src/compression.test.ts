import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { CompressionError } from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import { type CompressionAlgorithm, compress, decompress, SYNC_LIMIT } from './compression.js';
import { compressionLayer } from './compression-layer.js';
import { FLAG_COMPRESSED } from './constants.js';

const algorithms: CompressionAlgorithm[] = ['deflate', 'brotli', 'zstd'];
const text = Buffer.from('the quick brown fox jumps over the lazy dog\n'.repeat(2000));

describe.each(algorithms)('%s', (algorithm) => {
  it('round-trips small (sync) and large (thread pool) inputs', async () => {
    for (const input of [
      text.subarray(0, 1000),
      Buffer.concat([text, text, randomBytes(SYNC_LIMIT)]),
    ]) {
      const packed = await compress(input, algorithm, 6);
      expect(Buffer.from(await decompress(packed, algorithm, input.length))).toEqual(input);
    }
  });

  it('rejects output past the cap with CompressionError', async () => {
    const packed = await compress(text, algorithm);
    await expect(decompress(packed, algorithm, text.length - 1)).rejects.toThrow(CompressionError);
    await expect(decompress(packed, algorithm, text.length - 1)).rejects.toThrow(/maxMessageSize/);
  });

  it('rejects corrupt and truncated data with CompressionError', async () => {
    const packed = Buffer.from(await compress(text, algorithm));
    await expect(
      decompress(packed.subarray(0, packed.length >> 1), algorithm, 1e6),
    ).rejects.toThrow(CompressionError);
    // Brotli carries no checksum, so random bytes can be a valid stream; deflate and zstd check.
    if (algorithm !== 'brotli') {
      await expect(decompress(randomBytes(200), algorithm, 1e6)).rejects.toThrow(CompressionError);
    }
  });

  it('as a layer: compressible text shrinks, incompressible data goes plain', async () => {
    const layer = compressionLayer({ algorithm });
    const shrunk = await layer.encode(text, 0);
    expect(shrunk.flags & FLAG_COMPRESSED).toBeTruthy();
    expect(shrunk.payload.length).toBeLessThan(text.length / 10);
    for (const size of [600, 5000, 2 * 1024 * 1024]) {
      const noise = randomBytes(size);
      const out = await layer.encode(noise, 0);
      expect(out).toEqual({ payload: noise, flags: 0 });
    }
    const small = Buffer.from('tiny tiny tiny tiny');
    expect(await layer.encode(small, 0)).toEqual({ payload: small, flags: 0 });
  });
});

describe('deflate', () => {
  it('is the zlib format, so any zlib can read it', async () => {
    const packed = await compress(text, 'deflate', 9);
    expect(zlib.inflateSync(packed)).toEqual(text);
  });
});
