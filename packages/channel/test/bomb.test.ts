// Acceptance: a 1 GiB-of-zeros compression bomb in a small frame ends in CompressionError,
// with peak memory below 2 × maxMessageSize. maxMessageSize is fixed at 16 MiB here, so the
// bound is 32 MiB. This file runs in its own worker, so the process's peak RSS before the
// decode is this file's own; the deltas of peak RSS and of sampled ArrayBuffer memory
// around the decode are what is checked.
import { once } from 'node:events';
import zlib from 'node:zlib';
import { CompressionError } from '@sluice/stream-core';
import { createStreamPair } from '@sluice/stream-core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ALGORITHM_IDS,
  Channel,
  type CompressionAlgorithm,
  encodeFrames,
  FLAG_COMPRESSED,
} from '../src/index.js';

const MAX_MESSAGE = 16 * 1024 * 1024;
const GIB = 1024 * 1024 * 1024;

// Compresses 1 GiB of zeros without ever holding it: 1 MiB of zeros written 1024 times.
async function bombOf(compressor: zlib.Zlib & NodeJS.ReadWriteStream): Promise<Buffer> {
  const zeros = Buffer.alloc(1024 * 1024);
  const out: Buffer[] = [];
  compressor.on('data', (chunk: Buffer) => out.push(chunk));
  for (let written = 0; written < GIB; written += zeros.length) {
    if (!compressor.write(zeros)) await once(compressor, 'drain');
  }
  compressor.end();
  await once(compressor, 'end');
  return Buffer.concat(out);
}

const bombs = new Map<CompressionAlgorithm, Buffer>();
beforeAll(async () => {
  const C = zlib.constants;
  bombs.set('deflate', await bombOf(zlib.createDeflate({ level: 1 })));
  bombs.set(
    'zstd',
    await bombOf(zlib.createZstdCompress({ params: { [C.ZSTD_c_compressionLevel]: 1 } })),
  );
  bombs.set(
    'brotli',
    await bombOf(zlib.createBrotliCompress({ params: { [C.BROTLI_PARAM_QUALITY]: 0 } })),
  );
}, 120_000);

const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

describe.each(['deflate', 'brotli', 'zstd'] as const)('a %s bomb (1 GiB of zeros)', (algorithm) => {
  it('is a CompressionError, with peak memory below 2 × maxMessageSize', async () => {
    const bomb = bombs.get(algorithm)!;
    // "Small": a few MiB at most, well under the cap, so only decompression can catch it.
    expect(bomb.length).toBeLessThan(MAX_MESSAGE / 2);
    const [a, b] = createStreamPair();
    const rx = new Channel(b, { maxMessageSize: MAX_MESSAGE });
    const flags = FLAG_COMPRESSED | (ALGORITHM_IDS[algorithm] << 4);
    const writing = (async () => {
      for (const part of encodeFrames(bomb, flags)) await a.writeAll(part);
    })();

    const rssBefore = peakRss();
    const buffersBefore = process.memoryUsage().arrayBuffers;
    let buffersPeak = buffersBefore;
    const sampler = setInterval(() => {
      buffersPeak = Math.max(buffersPeak, process.memoryUsage().arrayBuffers);
    }, 1);
    const error = await rx.recv().catch((e: unknown) => e);
    clearInterval(sampler);
    buffersPeak = Math.max(buffersPeak, process.memoryUsage().arrayBuffers);
    await writing;

    expect(error).toBeInstanceOf(CompressionError);
    expect((error as Error).message).toMatch(/more than maxMessageSize/);
    expect(peakRss() - rssBefore).toBeLessThan(2 * MAX_MESSAGE);
    expect(buffersPeak - buffersBefore).toBeLessThan(2 * MAX_MESSAGE);
    a.destroy();
    b.destroy();
  });
});
