// Attack: a peer with another PSK (an attacker guessing, or a misconfigured peer). The
// handshake fails with the distinct reason 'bad-key' on the side that detects it, before
// any application record crosses the wire, and no message is delivered to either side.
import { EncryptionError } from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import { isRecord } from './proxy.js';
import { PSK, rejection, session } from './session.js';

describe('attack: a wrong key', () => {
  it('fails the handshake with bad-key, before any application data', async () => {
    await using s = await session({
      client: { encrypt: { key: new Uint8Array(32).fill(0xee) } },
      server: { encrypt: { key: PSK } },
    });
    const sent = s.client.send('for the right peer only').catch(() => {});
    const [clientError, serverError] = await Promise.all([
      rejection(s.client.handshake()),
      rejection(s.server.handshake()),
    ]);
    await sent;
    // The responder reads the initiator's first message, whose tag depends on the PSK.
    expect(serverError).toBeInstanceOf(EncryptionError);
    expect((serverError as EncryptionError).reason).toBe('bad-key');
    expect(clientError).toBeInstanceOf(EncryptionError);
    expect(s.server.closed).toBe(true);
    expect(await rejection(s.server.recv())).toBe(serverError);
    expect(s.proxy.frames.filter(isRecord)).toEqual([]);
  });
});
