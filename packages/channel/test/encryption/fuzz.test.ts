// Fuzzing an encrypted channel's receiving side: after a real handshake, the peer's stream
// carries random bytes, or valid records with random bytes changed. Every case ends in a
// typed error of the family (never a crash, a hang or a message that did not authenticate).
import { BufferOverflowError, EncryptionError, StreamError } from '@sluice/stream-core';
import { createStreamPair } from '@sluice/stream-core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Channel, generateKey } from '../../src/index.js';

const SEED = 0x5e_c0_de;
const RUNS = process.env.FUZZ_RUNS === undefined ? 150 : Number(process.env.FUZZ_RUNS);
const key = generateKey();

async function session(): Promise<{
  tx: Channel;
  rx: Channel;
  raw: (b: Uint8Array) => Promise<void>;
  end: () => void;
}> {
  const [a, b] = createStreamPair();
  const tx = new Channel(a, { encrypt: { key } });
  const rx = new Channel(b, { encrypt: { key }, maxMessageSize: 64 * 1024 });
  await Promise.all([tx.handshake(), rx.handshake()]);
  return {
    tx,
    rx,
    raw: (bytes) => a.writeAll(bytes),
    // The peer goes away; the receiver's own stream stays as it is.
    end: () => a.destroy(),
  };
}

async function outcome(rx: Channel): Promise<unknown> {
  for (;;) {
    const result = await rx.recv().then(
      (m) => m,
      (e: unknown) => e,
    );
    if (!(result instanceof Uint8Array)) return result;
  }
}

describe('encrypted channel fuzzing', () => {
  it('random bytes after the handshake end in one typed, fatal error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 2048 }),
        fc.boolean(),
        async (bytes, plausible) => {
          const s = await session();
          try {
            if (plausible) bytes[0] = 2; // past the version check
            await s.raw(bytes);
            s.end();
            const error = await outcome(s.rx);
            expect(error).toBeInstanceOf(StreamError);
            expect(error instanceof EncryptionError || error instanceof BufferOverflowError).toBe(
              true,
            );
            expect(s.rx.closed).toBe(true);
          } finally {
            s.end();
          }
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('a record with any byte changed is never delivered', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const [a, b] = createStreamPair();
        const tx = new Channel(a, { encrypt: { key } });
        const rx = new Channel(b, { encrypt: { key } });
        try {
          await Promise.all([tx.handshake(), rx.handshake()]);
          await tx.send('the message that must not change');
          await tx.flush();
          await b.poll(1000);
          // Take the record off the receiver's stream before it reads it, change one byte,
          // and send it again from the sender's side of the pair.
          const pieces: Uint8Array[] = [];
          for (let piece = b.read(); piece && piece.length > 0; piece = b.read())
            pieces.push(piece);
          const changed = Uint8Array.from(Buffer.concat(pieces));
          expect(changed.length).toBeGreaterThan(16);
          changed[at % changed.length]! ^= xor;
          await a.writeAll(changed);
          a.destroy();
          const error = await outcome(rx);
          // A changed length or SIZED bit can announce more than the cap: refused as such.
          expect(error instanceof EncryptionError || error instanceof BufferOverflowError).toBe(
            true,
          );
          expect(rx.closed).toBe(true);
        } finally {
          a.destroy();
          b.destroy();
        }
      }),
      { seed: SEED, numRuns: Math.min(RUNS, 100) },
    );
  });
});
