// Attack: replaying records. Within a session, a record sent again after it was accepted;
// across sessions, a record of an earlier session under the same PSK put in place of the
// first record of a new one. Nonces are implicit counters and every session has its own
// keys, so both fail their tags: fatal, and the replayed bytes are never delivered twice.
// Within a session the record still verifies under the nonce it was sent with, so the
// failure says 'replayed'; one from another session verifies under no nonce: 'tampered'.
import { describe, it } from 'vitest';
import { REPLAY_WINDOW } from '../../src/encryption/replay-probe.js';
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
    await expectFatal(s.server, 'replayed', ['pay 100']);
  });

  it('of a record from further back than the window: fatal, reported as tampered', async () => {
    // Record 0 is sent again after REPLAY_WINDOW + 1 more records: outside the probed window.
    let first: Buffer | undefined;
    let index = 0;
    await using s = await session({
      onFrame: (frame) => {
        if (frame.direction !== 'toServer' || !isRecord(frame)) return frame.bytes;
        index += 1;
        if (index === 1) first = frame.bytes;
        return index === REPLAY_WINDOW + 2 ? [frame.bytes, first as Buffer] : frame.bytes;
      },
    });
    await Promise.all([s.client.handshake(), s.server.handshake()]);
    const sent = Array.from({ length: REPLAY_WINDOW + 2 }, (_, i) => `m${i}`);
    for (const m of sent) {
      await s.client.send(m);
      await s.client.flush();
    }
    await expectFatal(s.server, 'tampered', sent);
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
