// Round trip: whatever the encoder frames, in whatever chunk splits, the decoder and demux()
// give back exactly the stdout and stderr byte streams.

import type { ByteStream } from '@sluice/stream-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkSource, Collector, MemoryByteStream, splitAt } from '../test/helpers.js';
import { DockerFrameDecoder } from './decoder.js';
import { demux } from './demux.js';
import { Demuxer } from './demuxer.js';
import { mux } from './encoder.js';

const writes = fc.array(
  fc.record({
    streamId: fc.constantFrom(0, 1, 2),
    payload: fc.uint8Array({ maxLength: 300 }),
  }),
  { maxLength: 30 },
);
const input = fc.tuple(writes, fc.integer({ min: 1, max: 64 })).chain(([ws, maxPayload]) => {
  const bytes = Buffer.concat(ws.map((w) => mux(w.streamId, w.payload, maxPayload)));
  return fc.record({
    ws: fc.constant(ws),
    bytes: fc.constant(bytes),
    cuts: fc.array(fc.nat({ max: Math.max(bytes.length, 1) }), { maxLength: 40 }),
  });
});

function expected(ws: { streamId: number; payload: Uint8Array }[]): [Buffer, Buffer] {
  const pick = (err: boolean) =>
    Buffer.concat(ws.filter((w) => (w.streamId === 2) === err).map((w) => w.payload));
  return [pick(false), pick(true)];
}

describe('round trip: mux then demux', () => {
  it('DockerFrameDecoder gives back both byte streams, whole-frame and partial', () => {
    fc.assert(
      fc.property(input, fc.boolean(), ({ ws, bytes, cuts }, partial) => {
        const got: [Buffer[], Buffer[]] = [[], []];
        const decoder = new DockerFrameDecoder(
          (id, p) => got[id === 2 ? 1 : 0].push(Buffer.from(p)),
          {
            partial,
          },
        );
        for (const chunk of splitAt(bytes, cuts)) decoder.push(chunk);
        decoder.end();
        expect([Buffer.concat(got[0]), Buffer.concat(got[1])]).toEqual(expected(ws));
      }),
      { numRuns: 3000, interruptAfterTimeLimit: 20_000 },
    );
  });

  it('demux() gives back both byte streams', async () => {
    await fc.assert(
      fc.asyncProperty(input, async ({ ws, bytes, cuts }) => {
        const stdout = new Collector();
        const stderr = new Collector();
        await demux(new ChunkSource(splitAt(bytes, cuts)), { stdout, stderr });
        expect([stdout.bytes(), stderr.bytes()]).toEqual(expected(ws));
      }),
      { numRuns: 1000, interruptAfterTimeLimit: 20_000 },
    );
  });

  it('Demuxer.read(n) gives back both byte streams, never more than n bytes per read', () => {
    fc.assert(
      fc.property(input, fc.integer({ min: 1, max: 50 }), ({ ws, bytes, cuts }, n) => {
        const stream = new MemoryByteStream();
        const demuxer = new Demuxer(stream as unknown as ByteStream);
        for (const chunk of splitAt(bytes, cuts)) stream.feed(chunk);
        stream.finish();
        const got: [Buffer[], Buffer[]] = [[], []];
        for (let r = demuxer.read(n); r !== null; r = demuxer.read(n)) {
          expect(r.length).toBeLessThanOrEqual(n);
          got[demuxer.lastStreamId === 2 ? 1 : 0].push(Buffer.from(r));
        }
        expect([Buffer.concat(got[0]), Buffer.concat(got[1])]).toEqual(expected(ws));
      }),
      { numRuns: 2000, interruptAfterTimeLimit: 15_000 },
    );
  });

  it('any bytes at all end in delivered payloads or a typed error, never a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.nat(200)), (bytes, cuts) => {
        const decoder = new DockerFrameDecoder(() => {}, { maxFrameSize: 1000 });
        try {
          for (const chunk of splitAt(bytes, cuts)) decoder.push(chunk);
          decoder.end();
        } catch (error) {
          expect((error as { code?: string }).code).toMatch(
            /^ERR_SLUICE_(PROTOCOL|DAEMON|BUFFER_OVERFLOW)$/,
          );
        }
      }),
      { numRuns: 3000, interruptAfterTimeLimit: 10_000 },
    );
  });
});
