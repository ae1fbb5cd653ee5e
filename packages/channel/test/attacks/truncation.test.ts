// Attack: the proxy ends the stream towards the server in the middle of a record, or right
// after a whole record. Either way the peer's authenticated close never came: 'truncated',
// not a clean end. The control case: a real close() ends the stream quietly.
import { ConnectionLostError } from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import { expectFatal } from './expect-fatal.js';
import { isRecord } from './proxy.js';
import { rejection, session } from './session.js';

describe('attack: truncation', () => {
  it('in the middle of a record: truncated, nothing delivered', async () => {
    await using s = await session({
      onFrame: (frame, proxy) => {
        if (frame.direction !== 'toServer' || !isRecord(frame)) return frame.bytes;
        proxy.inject('toServer', frame.bytes.subarray(0, frame.bytes.length >> 1));
        proxy.end('toServer');
        return undefined;
      },
    });
    await Promise.all([s.client.handshake(), s.server.handshake()]);
    await s.client.send('cut in half');
    await s.client.flush();
    await expectFatal(s.server, 'truncated');
  });

  it('at a record boundary: the whole records, then truncated', async () => {
    let records = 0;
    await using s = await session({
      onFrame: (frame, proxy) => {
        if (frame.direction !== 'toServer' || !isRecord(frame)) return frame.bytes;
        records += 1;
        if (records === 2) proxy.end('toServer');
        return records === 1 ? frame.bytes : undefined;
      },
    });
    await Promise.all([s.client.handshake(), s.server.handshake()]);
    await s.client.send('kept');
    await s.client.flush();
    await s.client.send('never arrives');
    await s.client.flush();
    await expectFatal(s.server, 'truncated', ['kept']);
  });

  it("control: the peer's close() is a clean end, told apart from a cut", async () => {
    await using s = await session();
    await Promise.all([s.client.handshake(), s.server.handshake()]);
    await s.client.send('last words');
    await s.client.close();
    expect(Buffer.from(await s.server.recv()).toString()).toBe('last words');
    const end = await rejection(s.server.recv());
    expect(end).toBeInstanceOf(ConnectionLostError);
  });
});
