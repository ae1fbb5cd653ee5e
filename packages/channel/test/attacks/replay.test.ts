// Attack: replaying records. Within a session, a record sent again after it was accepted;
// across sessions, a record of an earlier session under the same PSK put in place of the
// first record of a new one. Nonces are implicit counters and every session has its own
// keys, so both fail their tags: fatal, and the replayed bytes are never delivered twice.
import { describe, it } from 'vitest';
import { expectFatal } from './expect-fatal.js';
import { type Frame, isRecord } from './proxy.js';
import { PSK, session } from './session.js';

// Roles fixed, so that the client's records use the same direction's key in both sessions.
const roles = {
  client: { encrypt: { key: PSK, role: 'initiator' as const } },
  server: { encrypt: { key: PSK, role: 'responder' as const } },
};

const firstRecordToServer = (frames: readonly Frame[]): Frame | undefined =>
  frames.find((f) => f.direction === 'toServer' && isRecord(f));

describe('attack: replay', () => {
  it('of a record within its session: fatal after the original', async () => {
    await using s = await session({
      onFrame: (frame) =>
        frame.direction === 'toServer' && isRecord(frame)
          ? [frame.bytes, frame.bytes]
          : frame.bytes,
    });
    await Promise.all([s.client.handshake(), s.server.handshake()]);
    await s.client.send('pay 100');
    await s.client.flush();
    await expectFatal(s.server, 'tampered', ['pay 100']);
  });

  it('of a record from another session under the same PSK: fatal, nothing delivered', async () => {
    let recorded: Frame | undefined;
    {
      await using first = await session(roles);
      await Promise.all([first.client.handshake(), first.server.handshake()]);
      await first.client.send('pay 100');
      await first.client.flush();
      await first.server.recv();
      recorded = firstRecordToServer(first.proxy.frames);
    }
    const old = recorded as Frame;
    await using second = await session({
      ...roles,
      onFrame: (frame) =>
        frame.direction === 'toServer' && isRecord(frame) ? old.bytes : frame.bytes,
    });
    await Promise.all([second.client.handshake(), second.server.handshake()]);
    await second.client.send('pay 1');
    await second.client.flush();
    await expectFatal(second.server, 'tampered');
  });
});
