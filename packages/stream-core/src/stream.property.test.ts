import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Pump } from './pump.js';
import { Stream } from './stream.js';
import { chunkedSource, splitBytes, splitPoints } from './testing/chunked-source.js';
import { createStreamPair } from './testing/stream-pair.js';

const budget = { numRuns: 60, interruptAfterTimeLimit: 10_000 };

async function collect(stream: Stream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

const bytesAndSplits = fc
  .uint8Array({ minLength: 0, maxLength: 20_000 })
  .chain((data) =>
    fc.tuple(
      fc.constant(data),
      fc.array(fc.integer({ min: 0, max: Math.max(0, data.length) }), { maxLength: 40 }),
    ),
  );

describe('property: bytes survive any chunk split', () => {
  it('random data in random writes comes out of the other end of a pair identical', async () => {
    await fc.assert(
      fc.asyncProperty(
        bytesAndSplits,
        fc.integer({ min: 16, max: 4096 }),
        fc.boolean(),
        async ([data, splits], bound, awaitable) => {
          const [a, b] = createStreamPair({ maxBufferSize: bound, highWaterMark: 64 });
          const reading = collect(b);
          for (const piece of splitBytes(data, splitPoints(data.length, splits))) {
            if (awaitable) await a.writeAll(piece);
            else {
              // The non-blocking face: wait for room, never lose a refused piece.
              while (a.bufferedWriteBytes + piece.length > bound) await a.poll(5).catch(() => {});
              a.write(piece);
            }
          }
          await a.close();
          expect((await reading).equals(Buffer.from(data))).toBe(true);
        },
      ),
      budget,
    );
  });

  it('readExactly() reassembles any split of a source', async () => {
    await fc.assert(
      fc.asyncProperty(
        bytesAndSplits,
        fc.integer({ min: 1, max: 5000 }),
        async ([data, splits], step) => {
          const stream = Stream.fromPair(chunkedSource(data, splits), new PassThrough());
          const out: Buffer[] = [];
          for (let left = data.length; left > 0; left -= Math.min(step, left)) {
            out.push(await stream.readExactly(Math.min(step, left)));
          }
          expect(Buffer.concat(out).equals(Buffer.from(data))).toBe(true);
        },
      ),
      budget,
    );
  });

  it('a pump delivers any split of a source unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(bytesAndSplits, fc.integer(), async ([data, splits], seed) => {
        const from = Stream.fromPair(chunkedSource(data, splits, seed), new PassThrough());
        const [to, far] = createStreamPair({ maxBufferSize: 1024, highWaterMark: 128 });
        const reading = collect(far);
        expect(await new Pump(from, to).run()).toBe(data.length);
        expect((await reading).equals(Buffer.from(data))).toBe(true);
      }),
      budget,
    );
  });
});
