// Attack: a peer holding the key (so its records authenticate) sends a decompression bomb:
// 256 MiB of zeros, zstd-compressed to a few KiB, to a receiver whose maxMessageSize is
// 8 MiB. Decompression runs after decryption and stays capped: the receiver fails with
// CompressionError and its memory stays under 2 × maxMessageSize.
import { CompressionError } from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import { isRecord } from './proxy.js';
import { PSK, rejection, session } from './session.js';

const MIB = 1024 * 1024;
const MAX = 8 * MIB;
const BOMB = 256 * MIB;

describe('attack: a decompression bomb inside an authenticated record', () => {
  it('is a CompressionError, with memory below 2 × maxMessageSize', async () => {
    await using s = await session({
      client: { encrypt: { key: PSK }, compress: 'zstd', maxMessageSize: BOMB },
      server: { encrypt: { key: PSK }, maxMessageSize: MAX },
    });
    await Promise.all([s.client.handshake(), s.server.handshake()]);
    {
      // The sender's 256 MiB is gone before the receiver is measured.
      const zeros = Buffer.alloc(BOMB);
      await s.client.send(zeros);
      await s.client.flush();
    }
    // The whole bomb is one small authenticated record (a few KiB).
    const record = await s.proxy.waitFor((f) => f.direction === 'toServer' && isRecord(f));
    expect(record.flags & 0x01).toBe(0x01);
    expect(record.length).toBeLessThan(MAX / 2);
    const base = process.memoryUsage().arrayBuffers;
    let peak = base;
    const sample = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }, 1);
    const error = await rejection(s.server.recv()).finally(() => clearInterval(sample));
    expect(error).toBeInstanceOf(CompressionError);
    expect(s.server.closed).toBe(true);
    expect(peak - base).toBeLessThan(2 * MAX);
  });
});
