// Attack: frame headers announcing huge lengths, which a receiver must refuse before it
// allocates anything: 2^32−1 in place of an application record, and an oversized length
// before authentication (in place of the first handshake frame). Memory is measured around
// each: nothing near the announced size may be allocated.
import { BufferOverflowError, EncryptionError, StreamError } from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import { isRecord } from './proxy.js';
import { rejection, session } from './session.js';

const MIB = 1024 * 1024;
const FLAG_FINAL = 0x01;
const FLAG_ENCRYPTED = 0x08;
const FLAG_CONTROL = 0x80;

function header(flags: number, length: number): Buffer {
  const h = Buffer.alloc(6);
  h[0] = 2;
  h[1] = flags;
  h.writeUInt32BE(length, 2);
  return h;
}

// Peak of ArrayBuffer memory (where any payload buffer would live) while `run` is pending.
async function peakArrayBuffers(run: () => Promise<unknown>): Promise<number> {
  const base = process.memoryUsage().arrayBuffers;
  let peak = base;
  const sample = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
  }, 1);
  try {
    await run();
  } finally {
    clearInterval(sample);
  }
  peak = Math.max(peak, process.memoryUsage().arrayBuffers);
  return peak - base;
}

function expectRefusedSize(error: unknown): void {
  expect(error).toBeInstanceOf(StreamError);
  if (error instanceof BufferOverflowError) expect(error.size).toBeGreaterThan(error.limit ?? 0);
  else {
    expect(error).toBeInstanceOf(EncryptionError);
    expect((error as EncryptionError).reason).toBe('malformed');
  }
}

describe('attack: announced lengths', () => {
  it('2^32−1 in place of a record: refused, nothing allocated', async () => {
    await using s = await session({
      onFrame: (frame) =>
        frame.direction === 'toServer' && isRecord(frame)
          ? [header(FLAG_ENCRYPTED | FLAG_FINAL, 0xffff_ffff), Buffer.alloc(64, 0xaa)]
          : frame.bytes,
    });
    await Promise.all([s.client.handshake(), s.server.handshake()]);
    await s.client.send('x');
    await s.client.flush();
    let error: unknown;
    const grown = await peakArrayBuffers(async () => {
      error = await rejection(s.server.recv());
    });
    expectRefusedSize(error);
    expect(s.server.closed).toBe(true);
    expect(grown).toBeLessThan(4 * MIB);
  });

  it('an oversized length before authentication: refused, nothing allocated', async () => {
    let first = true;
    await using s = await session({
      onFrame: (frame) => {
        if (frame.direction !== 'toServer' || !first) return frame.bytes;
        first = false;
        // 256 MiB announced for a control (handshake) frame, then a trickle of bytes.
        return [header(FLAG_CONTROL | FLAG_FINAL, 256 * MIB), Buffer.alloc(1024, 0x55)];
      },
    });
    let error: unknown;
    const grown = await peakArrayBuffers(async () => {
      [, error] = await Promise.all([
        s.client.handshake().catch(() => {}),
        rejection(s.server.handshake()),
      ]);
    });
    expect(error).toBeInstanceOf(StreamError);
    expect(s.server.closed).toBe(true);
    expect(grown).toBeLessThan(4 * MIB);
  });
});
