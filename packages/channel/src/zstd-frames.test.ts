import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { CompressionError } from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import { decompress } from './compression.js';
import { zstdFramesProblem } from './zstd-frames.js';

const text = Buffer.from('the quick brown fox jumps over the lazy dog '.repeat(8000));
const zstd = (data: Uint8Array, checksum = 1): Buffer =>
  zlib.zstdCompressSync(data, {
    params: { [zlib.constants.ZSTD_c_checksumFlag]: checksum },
  });

describe('zstd frame check', () => {
  it('accepts whole frames: small, multi-block, incompressible, concatenated, skippable', () => {
    const skippable = Buffer.alloc(8 + 5);
    skippable.writeUInt32LE(0x184d2a53, 0);
    skippable.writeUInt32LE(5, 4);
    for (const data of [
      zstd(Buffer.from('hi')),
      zstd(Buffer.alloc(0)),
      zstd(text),
      zstd(randomBytes(300_000)),
      zstd(text, 0),
      Buffer.concat([zstd(text), skippable, zstd(Buffer.from('second'))]),
    ]) {
      expect(zstdFramesProblem(data)).toBeUndefined();
    }
  });

  it('finds every cut of a frame, and says where and how much is missing', () => {
    const whole = zstd(randomBytes(300_000)); // raw blocks: the cut can land anywhere
    for (let cut = 1; cut < whole.length; cut += 997) {
      expect(zstdFramesProblem(whole.subarray(0, cut))).toMatch(/ends inside .* bytes missing/);
    }
    expect(zstdFramesProblem(whole.subarray(0, whole.length - 1))).toBe(
      `zstd data ends inside the frame checksum at byte ${whole.length - 4}: 1 bytes missing`,
    );
    const small = zstd(text);
    for (let cut = 1; cut < small.length; cut++) {
      expect(zstdFramesProblem(small.subarray(0, cut)), `cut at ${cut}`).toBeDefined();
    }
  });

  it('rejects what is not zstd', () => {
    expect(zstdFramesProblem(Buffer.from('plain text here'))).toMatch(
      /^not zstd data: bad frame magic/,
    );
    expect(zstdFramesProblem(new Uint8Array(0))).toBe('zstd data is empty');
  });

  it('a truncated zstd message fails with CompressionError on every Node (24.11–24.19 returned empty)', async () => {
    const packed = zstd(text);
    const cut = packed.subarray(0, packed.length >> 1);
    await expect(decompress(cut, 'zstd', 1e6)).rejects.toThrow(CompressionError);
    await expect(decompress(cut, 'zstd', 1e6)).rejects.toThrow(/bytes missing/);
  });
});
