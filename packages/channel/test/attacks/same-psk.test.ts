// Property: two connections under one PSK never share keys. The same plaintext sent first on
// each gives two different records (fresh ephemeral keys per connection), and the handshake
// messages differ too.
import { describe, expect, it } from 'vitest';
import { type Frame, isRecord } from './proxy.js';
import { session } from './session.js';

async function firstRecord(): Promise<{ record: Frame; ephemerals: Buffer[] }> {
  await using s = await session();
  await Promise.all([s.client.handshake(), s.server.handshake()]);
  await s.client.send('the same plaintext');
  await s.client.flush();
  expect(Buffer.from(await s.server.recv()).toString()).toBe('the same plaintext');
  const record = s.proxy.frames.find((f) => f.direction === 'toServer' && isRecord(f)) as Frame;
  // The ephemeral public keys: the start of each Noise handshake message (control type 2).
  const ephemerals = s.proxy.frames
    .filter((f) => !isRecord(f) && f.bytes[f.headerSize] === 2)
    .map((f) => f.bytes.subarray(f.headerSize + 1, f.headerSize + 33));
  return { record, ephemerals };
}

describe('property: one PSK, two connections', () => {
  it('gives different ciphertexts for the same plaintext', async () => {
    const one = await firstRecord();
    const two = await firstRecord();
    expect(one.record.length).toBe(two.record.length);
    expect(one.record.bytes.equals(two.record.bytes)).toBe(false);
    // The ciphertexts differ everywhere but by chance, not just somewhere.
    const body = (f: Frame): Buffer => f.bytes.subarray(f.headerSize);
    let same = 0;
    for (let i = 0; i < body(one.record).length; i += 1)
      if (body(one.record)[i] === body(two.record)[i]) same += 1;
    expect(same).toBeLessThan(body(one.record).length / 4);
    // Fresh ephemeral keys each time (the first 32 bytes of each Noise message) and fresh
    // hellos: both sides contribute new randomness to every connection.
    expect(one.ephemerals.length).toBe(2);
    for (let i = 0; i < 2; i += 1)
      expect((one.ephemerals[i] as Buffer).equals(two.ephemerals[i] as Buffer), `e ${i}`).toBe(
        false,
      );
  });
});
