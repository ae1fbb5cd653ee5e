// Fuzz pass over every public entry (issue 17 acceptance): random and mutated multiplexed
// streams in random chunk splits through DockerFrameDecoder, demux(), DemuxStream and Demuxer, and
// random arguments to the encoder and the detectors. Every case ends in output that matches
// a reference model, or in a typed error: never a crash, a hang or an untyped exception.
// A fixed seed keeps `npm test` the same every run; FUZZ_RUNS=100000 runs longer.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StreamError } from '@sluice/stream-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkSource, Collector, MemoryByteStream } from '../test/helpers.js';
import { DockerFrameDecoder } from './decoder.js';
import { demux } from './demux.js';
import { DemuxStream } from './demux-stream.js';
import { Demuxer } from './demuxer.js';
import { streamKindFromContentType, streamKindFromInspect } from './detect.js';
import { encodeFrame, encodeHeader, mux } from './encoder.js';

const SEED = 0x5eed17;
const RUNS = process.env.FUZZ_RUNS === undefined ? 150 : Number(process.env.FUZZ_RUNS);
const params = { seed: SEED, numRuns: RUNS };
const MAX_FRAME = 4096;

/** What stdcopy (with sluice's typed endings) makes of `bytes`: outputs up to the first fault. */
function model(bytes: Buffer): { out: Buffer; err: Buffer; fails: boolean } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < 8)
      return { out: Buffer.concat(out), err: Buffer.concat(err), fails: true };
    const id = bytes[at]!;
    const size = bytes.readUInt32BE(at + 4);
    if (id > 3 || bytes[at + 1] !== 0 || bytes[at + 2] !== 0 || bytes[at + 3] !== 0 || id === 3) {
      return { out: Buffer.concat(out), err: Buffer.concat(err), fails: true };
    }
    if (size > MAX_FRAME) return { out: Buffer.concat(out), err: Buffer.concat(err), fails: true };
    const payload = bytes.subarray(at + 8, Math.min(at + 8 + size, bytes.length));
    (id === 2 ? err : out).push(payload);
    if (at + 8 + size > bytes.length) {
      return { out: Buffer.concat(out), err: Buffer.concat(err), fails: true };
    }
    at += 8 + size;
  }
  return { out: Buffer.concat(out), err: Buffer.concat(err), fails: false };
}

const frameArb = fc
  .record({
    id: fc.oneof(
      { weight: 12, arbitrary: fc.integer({ min: 0, max: 2 }) },
      { weight: 1, arbitrary: fc.integer({ min: 3, max: 255 }) },
    ),
    payload: fc.uint8Array({ maxLength: 300 }),
  })
  .map(({ id, payload }) => {
    const f = Buffer.alloc(8 + payload.length);
    f[0] = id;
    f.writeUInt32BE(payload.length, 4);
    f.set(payload, 8);
    return f;
  });

const streamArb = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)),
  fc.array(frameArb, { maxLength: 30 }).map((fs) => Buffer.concat(fs)),
  fc
    .tuple(
      fc.array(frameArb, { minLength: 1, maxLength: 30 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
    )
    .map(([fs, flips]) => {
      const b = Buffer.concat(fs);
      for (const [at, v] of flips) b[at % b.length] = v;
      return b;
    }),
);

const splitsArb = fc.array(fc.nat(), { maxLength: 8 });

function chunks(bytes: Buffer, splits: number[]): Buffer[] {
  const cuts = [...new Set(splits.map((s) => s % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > at) out.push(Buffer.from(bytes.subarray(at, cut)));
    at = cut;
  }
  return out;
}

function typed(error: unknown): void {
  expect(error).toBeInstanceOf(StreamError);
}

describe('docker-demux fuzzing (fixed seed; FUZZ_RUNS for more)', () => {
  it("DockerFrameDecoder, whole and partial: the model's output, or a typed error", () => {
    fc.assert(
      fc.property(streamArb, splitsArb, fc.boolean(), (bytes, splits, partial) => {
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        const decoder = new DockerFrameDecoder(
          (id, p) => (id === 2 ? err : out).push(Buffer.from(p)),
          {
            partial,
            maxFrameSize: MAX_FRAME,
          },
        );
        const expected = model(bytes);
        let failed = false;
        try {
          for (const c of chunks(bytes, splits)) decoder.push(c);
          decoder.end();
        } catch (error) {
          typed(error);
          failed = true;
        }
        expect(failed).toBe(expected.fails);
        if (!failed || partial) {
          expect(Buffer.concat(out).equals(expected.out)).toBe(true);
          expect(Buffer.concat(err).equals(expected.err)).toBe(true);
        }
      }),
      params,
    );
  });

  it('demux(), DemuxStream and Demuxer: the same output, or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(streamArb, splitsArb, async (bytes, splits) => {
        const expected = model(bytes);
        const parts = chunks(bytes, splits);
        const a = { stdout: new Collector(), stderr: new Collector() };
        const viaDemux = await demux(new ChunkSource(parts), {
          ...a,
          maxFrameSize: MAX_FRAME,
        }).then(
          () => false,
          (error: unknown) => {
            typed(error);
            return true;
          },
        );
        expect(viaDemux).toBe(expected.fails);
        expect(a.stdout.bytes().equals(expected.out)).toBe(true);
        expect(a.stderr.bytes().equals(expected.err)).toBe(true);

        const split = new DemuxStream({ maxFrameSize: MAX_FRAME });
        const gathered = [
          Readable.prototype.toArray.call(split.stdout),
          Readable.prototype.toArray.call(split.stderr),
        ];
        const viaStream = await pipeline(new ChunkSource(parts), split).then(
          () => false,
          (error: unknown) => {
            typed(error);
            return true;
          },
        );
        const [so, se] = (await Promise.all(gathered)) as Buffer[][];
        expect(viaStream).toBe(expected.fails);
        expect(Buffer.concat(so!).equals(expected.out)).toBe(true);
        expect(Buffer.concat(se!).equals(expected.err)).toBe(true);

        const memory = new MemoryByteStream();
        for (const p of parts) memory.feed(p);
        memory.finish();
        const demuxer = new Demuxer(memory as never, { maxFrameSize: MAX_FRAME });
        const got: Buffer[] = [[], []].map(() => Buffer.alloc(0));
        let viaDemuxer = false;
        try {
          for (let i = 0; i < 100_000; i++) {
            const piece = demuxer.read(97);
            if (piece === null) break;
            const k = demuxer.lastStreamId === 2 ? 1 : 0;
            got[k] = Buffer.concat([got[k]!, piece]);
          }
        } catch (error) {
          typed(error);
          viaDemuxer = true;
        }
        expect(viaDemuxer).toBe(expected.fails);
        expect(got[0]!.equals(expected.out)).toBe(true);
        expect(got[1]!.equals(expected.err)).toBe(true);
      }),
      { ...params, numRuns: Math.max(1, Math.ceil(RUNS / 3)) },
    );
  });

  it('the encoder and the detectors take any argument: a result or a TypeError/RangeError/typed error', () => {
    const anything = fc.oneof(
      fc.anything(),
      fc.integer({ min: -5, max: 8 }),
      fc.double(),
      fc.constantFrom(2 ** 32, -1, Number.NaN, Number.POSITIVE_INFINITY, '1', null, undefined),
    );
    const allowed = (error: unknown): boolean =>
      error instanceof TypeError || error instanceof RangeError || error instanceof StreamError;
    fc.assert(
      fc.property(anything, anything, anything, (a, b, c) => {
        for (const call of [
          () => encodeHeader(a as number, b as number),
          () => encodeFrame(a as number, (typeof b === 'string' ? b : new Uint8Array(4)) as string),
          () => mux(a as number, new Uint8Array(10), c as number),
          () => streamKindFromContentType(a as string, b as string),
          () => streamKindFromInspect(a as never),
        ]) {
          try {
            call();
          } catch (error) {
            expect(allowed(error), String(error)).toBe(true);
          }
        }
      }),
      params,
    );
  });
});
