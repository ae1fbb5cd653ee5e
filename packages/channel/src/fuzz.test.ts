// Random bytes and mutated valid streams, fed in random chunk splits: every case must end in
// messages or one of the typed errors, never a crash, a hang or an allocation past the cap.
import {
  BufferOverflowError,
  CompressionError,
  ConnectionLostError,
  ProtocolError,
  StreamError,
} from '@sluice/stream-core';
import { createStreamPair } from '@sluice/stream-core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Channel } from './channel.js';
import { encodeMessages, MessageCodec } from './codec.js';
import { WIRE_VERSION } from './constants.js';

const MAX = 256 * 1024;

async function feed(bytes: Uint8Array, splits: number[]): Promise<number> {
  const codec = new MessageCodec({ maxMessageSize: MAX });
  const decoder = codec.frameDecoder();
  let at = 0;
  let messages = 0;
  const cuts = [...new Set(splits.map((s) => s % (bytes.length + 1)))].sort((a, b) => a - b);
  try {
    for (const cut of [...cuts, bytes.length]) {
      decoder.push(bytes.subarray(at, cut));
      at = cut;
      for (let raw = decoder.shift(); raw; raw = decoder.shift()) {
        for (const m of await codec.decode(raw)) {
          expect(m.length).toBeLessThanOrEqual(MAX);
          messages++;
        }
      }
    }
    decoder.end();
    decoder.shift();
  } catch (error) {
    expect(error).toBeInstanceOf(StreamError);
    expect(
      error instanceof ProtocolError ||
        error instanceof ConnectionLostError ||
        error instanceof BufferOverflowError ||
        error instanceof CompressionError,
    ).toBe(true);
  }
  return messages;
}

const splits = fc.array(fc.nat(), { maxLength: 20 });

// A fixed seed, so `npm test` runs the same cases every time; `FUZZ_RUNS=100000` runs longer
// (and then without the time limit).
const SEED = 0x51_1c_e0;
const FUZZ_RUNS = process.env.FUZZ_RUNS === undefined ? undefined : Number(process.env.FUZZ_RUNS);
function budget(numRuns: number, ms: number): fc.Parameters<unknown> {
  return FUZZ_RUNS === undefined
    ? { seed: SEED, numRuns, interruptAfterTimeLimit: ms }
    : { seed: SEED, numRuns: FUZZ_RUNS };
}

describe('receiver fuzzing', () => {
  it('random bytes in random splits end in messages or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), splits, async (bytes, cuts) => {
        await feed(bytes, cuts);
      }),
      budget(2000, 8000),
    );
  });

  it('random bytes behind a plausible header (version 2, any flags) end the same way', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 255 }),
        fc.uint8Array({ maxLength: 2048 }),
        splits,
        async (flags, body, cuts) => {
          const header = Buffer.alloc(6);
          header[0] = WIRE_VERSION;
          header[1] = flags;
          header.writeUInt32BE(body.length, 2);
          await feed(Buffer.concat([header, body]), cuts);
        },
      ),
      budget(2000, 8000),
    );
  });

  it('valid streams with flipped bytes end in messages or a typed error', async () => {
    const wire = Buffer.from(
      await encodeMessages(
        ['hello', 'x'.repeat(3000), '', 'the quick brown fox '.repeat(100), 'bye'],
        { batchSize: 2, compress: { algorithm: 'deflate', threshold: 0 } },
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        splits,
        async (flips, cuts) => {
          const copy = Buffer.from(wire);
          for (const [i, x] of flips) copy[i % copy.length]! ^= x;
          await feed(copy, cuts);
        },
      ),
      budget(1500, 8000),
    );
  });

  it('an intact stream in random splits decodes to the same messages', async () => {
    const wire = await encodeMessages(['a', 'b'.repeat(70_000), '', 'c'], { frameSize: 1000 });
    await fc.assert(
      fc.asyncProperty(splits, async (cuts) => {
        expect(await feed(wire, cuts)).toBe(4);
      }),
      budget(300, 4000),
    );
  });
});

describe('receiver fuzzing through a Channel over a stream pair', () => {
  it('random bytes written in random pieces end in messages then a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 512 }), { maxLength: 8 }),
        fc.boolean(),
        async (pieces, plausible) => {
          const [a, b] = createStreamPair();
          try {
            const rx = new Channel(b, { maxMessageSize: MAX });
            // Half the cases start with a valid version byte, to get past the first check.
            if (plausible && pieces[0]) pieces[0][0] = WIRE_VERSION;
            const writing = (async () => {
              for (const piece of pieces) await a.writeAll(piece);
              await a.close();
            })();
            for (;;) {
              const result = await rx.recv().then(
                (m) => m,
                (e: unknown) => e,
              );
              if (result instanceof Uint8Array) {
                expect(result.length).toBeLessThanOrEqual(MAX);
                continue;
              }
              expect(
                result instanceof ConnectionLostError ||
                  result instanceof ProtocolError ||
                  result instanceof BufferOverflowError ||
                  result instanceof CompressionError,
              ).toBe(true);
              break;
            }
            await writing.catch(() => {});
          } finally {
            a.destroy();
            b.destroy();
          }
        },
      ),
      budget(300, 8000),
    );
  });
});
