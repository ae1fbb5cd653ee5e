// `readTarget()`: a transport that reads into the memory the decoder offers, in reads of any
// size, must yield exactly the messages sent, in order, whatever mix of sizes and reads.
import { randomBytes } from 'node:crypto';
import { EncryptionError } from '@sluice/stream-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameDecoder } from './frame-decoder.js';
import { encodeFrames } from './header.js';
import { CipherState } from './noise/index.js';

/** A sealing and an opening CipherState under one fresh key (the two ends of a channel). */
function cipherPair(): { seal: CipherState; open: CipherState } {
  const key = randomBytes(32);
  return { seal: new CipherState('ChaChaPoly', key), open: new CipherState('ChaChaPoly', key) };
}

/** The encrypted frames of `messages`, and a decoder that opens them, recording each record. */
function encrypted(
  messages: Uint8Array[],
  frameSize = 256 * 1024,
): { wire: Buffer; decoder: FrameDecoder; opened: Uint8Array[] } {
  const { seal, open } = cipherPair();
  const wire = Buffer.concat(
    messages.flatMap((m) =>
      encodeFrames(m, 0, { frameSize, seal: (h, p) => seal.encryptParts(h, p) }),
    ),
  );
  const opened: Uint8Array[] = [];
  const decoder = new FrameDecoder({ requireEncryption: true });
  decoder.setRecordOpener((header, record) => {
    opened.push(record);
    return open.decrypt(header, record);
  });
  return { wire, decoder, opened };
}

/**
 * Feeds `wire` to `decoder` as a socket reading through `onread` would: into the decoder's
 * read target when it offers one, else into memory of its own; each read takes the next
 * `size` bytes (from `sizes`, cycling), capped by the memory it reads into.
 */
function feedLikeASocket(decoder: FrameDecoder, wire: Uint8Array, sizes: number[]): void {
  let at = 0;
  for (let i = 0; at < wire.length; i++) {
    const want = Math.max(1, sizes[i % sizes.length] ?? 1);
    const target = decoder.readTarget();
    const room = target ? target.length : 64 * 1024;
    const n = Math.min(want, room, wire.length - at);
    if (target) {
      target.set(wire.subarray(at, at + n));
      decoder.push(target.subarray(0, n));
    } else {
      decoder.push(Buffer.from(wire.subarray(at, at + n)));
    }
    at += n;
  }
}

const message = fc.oneof(
  fc.integer({ min: 0, max: 300 }),
  fc.integer({ min: 30 * 1024, max: 70 * 1024 }),
  fc.integer({ min: 200 * 1024, max: 300 * 1024 }),
);

describe('FrameDecoder read targets', () => {
  it('yields the messages sent, in order, for any mix of sizes and reads', () => {
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 255 }),
        (lengths, sizes, seed) => {
          const sent = lengths.map((n, i) => Buffer.alloc(n, (seed + i) & 0xff));
          for (const [i, m] of sent.entries()) if (m.length > 0) m.writeUInt8(i, 0);
          // 256 KiB frames: the largest messages go as two frames (not read in place).
          const wire = Buffer.concat(sent.flatMap((m) => encodeFrames(m, 0, 256 * 1024)));
          const decoder = new FrameDecoder();
          feedLikeASocket(decoder, wire, sizes);
          let count = 0;
          for (let m = decoder.shift(); m; m = decoder.shift()) {
            // Compared byte for byte, without a deep-equality walk over megabytes.
            expect(Buffer.from(m.payload).equals(sent[count]!), `message ${count}`).toBe(true);
            count++;
          }
          expect(count).toBe(sent.length);
          expect(decoder.midMessage).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('yields the messages sent for any mix of sizes and reads, encrypted too', () => {
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 8 }),
        (lengths, sizes) => {
          const sent = lengths.map((n) => randomBytes(n));
          const { wire, decoder } = encrypted(sent);
          feedLikeASocket(decoder, wire, sizes);
          let count = 0;
          for (let m = decoder.shift(); m; m = decoder.shift()) {
            expect(Buffer.from(m.payload).equals(sent[count]!), `message ${count}`).toBe(true);
            count++;
          }
          expect(count).toBe(sent.length);
          expect(decoder.midMessage).toBe(false);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('reads a large encrypted record into its own buffer and opens it there', () => {
    const big = randomBytes(64 * 1024);
    const { wire, decoder, opened } = encrypted([big, big]);
    const recordLength = 64 * 1024 + 16;
    decoder.push(wire.subarray(0, 1000));
    const target = decoder.readTarget();
    // The rest of the record (ciphertext and tag) and room for the next header.
    expect(target?.length).toBe(recordLength - (1000 - 6) + 6);
    target!.set(wire.subarray(1000, 1000 + target!.length));
    decoder.push(target!);
    expect(Buffer.from(decoder.shift()!.payload).equals(big)).toBe(true);
    // The record opened is the memory the bytes were read into: no copy of its own.
    expect(opened[0]!.buffer).toBe(target!.buffer);
    // Aligned now: the next record is offered whole, read in one go and opened where it lies.
    const next = decoder.readTarget()!;
    const at = 6 + recordLength + 6;
    expect(next.length).toBe(recordLength + 6);
    next.set(wire.subarray(at, at + recordLength));
    decoder.push(next.subarray(0, recordLength));
    expect(Buffer.from(decoder.shift()!.payload).equals(big)).toBe(true);
    expect(opened[1]!.buffer).toBe(next.buffer);
    expect(decoder.midMessage).toBe(false);
  });

  it('hands out nothing of a record read into place whose tag does not verify', () => {
    const { wire, decoder } = encrypted([randomBytes(64 * 1024)]);
    decoder.push(wire.subarray(0, 6));
    const target = decoder.readTarget()!;
    target.set(wire.subarray(6));
    target[100]! ^= 1;
    decoder.push(target.subarray(0, wire.length - 6));
    expect(() => decoder.shift()).toThrow(EncryptionError);
    expect(decoder.readTarget()).toBeUndefined();
  });

  it('offers no place for small records, nor before a large record is announced', () => {
    const { wire, decoder } = encrypted([randomBytes(20 * 1024), randomBytes(64 * 1024)]);
    decoder.push(wire.subarray(0, 1000));
    expect(decoder.readTarget()).toBeUndefined();
    // The small record and 3 bytes of the next header: no frame is being read yet.
    decoder.push(wire.subarray(1000, 6 + 20 * 1024 + 16 + 3));
    expect(decoder.shift()?.payload.length).toBe(20 * 1024);
    expect(decoder.readTarget()).toBeUndefined();
  });

  it('offers a place only for messages of 32 KiB or more, sized to the rest and the next header', () => {
    const big = Buffer.alloc(64 * 1024, 7);
    const wire = Buffer.concat([...encodeFrames(big, 0), ...encodeFrames(Buffer.alloc(100), 0)]);
    const decoder = new FrameDecoder();
    decoder.push(wire.subarray(0, 1000));
    const target = decoder.readTarget();
    expect(target?.length).toBe(64 * 1024 - (1000 - 6) + 6);
    // Read in place: the message is the memory the bytes were read into.
    target!.set(wire.subarray(1000, 1000 + target!.length));
    decoder.push(target!);
    const first = decoder.shift()!;
    expect(Buffer.from(first.payload).equals(big)).toBe(true);
    expect(first.payload.buffer).toBe(target!.buffer);
    // The next message is small: no place is offered for it.
    expect(decoder.readTarget()).toBeUndefined();
  });
});
