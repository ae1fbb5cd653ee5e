// Attack surface: a nonce counter near its limit. Both ends' transport CipherStates are
// started at 2^64−4 (as if after 2^64−4 records), so the first messages would take the
// counter to Noise's reserved 2^64−1. The sender rekeys first: a REKEY control record under
// the old key, then a fresh key and counter on both ends, and every message arrives. A
// counter never wraps and never reaches the reserved value.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Handshake, MAX_NONCE } from '../../src/noise/index.js';
import { isRecord } from './proxy.js';
import { session } from './session.js';

const FLAG_CONTROL = 0x80;
const FLAG_ENCRYPTED = 0x08;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('attack: a counter started near its limit', () => {
  it('rekeys cleanly before 2^64−1, and every message is delivered', async () => {
    const split = Handshake.prototype.split;
    vi.spyOn(Handshake.prototype, 'split').mockImplementation(function (this: Handshake) {
      const states = split.call(this);
      states.send.setNonce(MAX_NONCE - 4n);
      states.receive.setNonce(MAX_NONCE - 4n);
      return states;
    });
    await using s = await session();
    await Promise.all([s.client.handshake(), s.server.handshake()]);
    const sent = Array.from({ length: 8 }, (_, i) => `message ${i}`);
    for (const m of sent) {
      await s.client.send(m);
      await s.client.flush();
    }
    for (const m of sent) expect(Buffer.from(await s.server.recv()).toString()).toBe(m);
    // And the other way, whose counter started near the limit too.
    await s.server.send('reply');
    await s.server.flush();
    expect(Buffer.from(await s.client.recv()).toString()).toBe('reply');

    const toServer = s.proxy.frames.filter((f) => f.direction === 'toServer');
    const rekeys = toServer.filter(
      (f) =>
        (f.flags & (FLAG_CONTROL | FLAG_ENCRYPTED)) === (FLAG_CONTROL | FLAG_ENCRYPTED) &&
        f.length === 1 + 16,
    );
    // One rekey record (its type byte is encrypted; its size is a type byte and a tag),
    // sent before the counter could reach the reserved value: within the first 3 records.
    expect(rekeys.length).toBe(1);
    const firstRecords = toServer.filter((f) => isRecord(f) || rekeys.includes(f)).slice(0, 4);
    expect(firstRecords.some((f) => rekeys.includes(f))).toBe(true);
  });
});
