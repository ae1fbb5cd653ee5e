// Attack: the proxy sends the client's own record back to the client, as if the server had
// sent it. Each direction has its own key (Noise Split()), so the reflected record fails its
// tag on the client: fatal, nothing delivered. The server never sees the record.
import { describe, it } from 'vitest';
import { expectFatal } from './expect-fatal.js';
import { isRecord } from './proxy.js';
import { session } from './session.js';

describe('attack: reflection', () => {
  it("of a peer's own record back to it: fatal, nothing delivered", async () => {
    await using s = await session({
      onFrame: (frame, proxy) => {
        if (frame.direction !== 'toServer' || !isRecord(frame)) return frame.bytes;
        proxy.inject('toClient', frame.bytes);
        return undefined;
      },
    });
    await Promise.all([s.client.handshake(), s.server.handshake()]);
    await s.client.send('echo me');
    await s.client.flush();
    await expectFatal(s.client, 'tampered');
  });
});
