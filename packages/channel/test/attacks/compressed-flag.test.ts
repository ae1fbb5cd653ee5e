// Attack: the proxy flips the COMPRESSED flag of a record, so that the receiver would
// inflate plain bytes (or pass compressed bytes on as the message). The flags are part of
// the record's associated data: fatal 'tampered', before any decompression runs.
import { describe, it } from 'vitest';
import { expectFatal } from './expect-fatal.js';
import { isRecord } from './proxy.js';
import { session } from './session.js';

const FLAG_COMPRESSED = 0x04;

describe('attack: a flipped compressed flag', () => {
  it.each([
    ['set on a plain record', 100],
    ['cleared on a compressed record', 10_000],
  ])('%s: fatal tampered, nothing delivered', async (_, size) => {
    await using s = await session({
      client: {
        encrypt: { key: new Uint8Array(32).fill(9) },
        compress: { algorithm: 'deflate', threshold: 512 },
      },
      server: { encrypt: { key: new Uint8Array(32).fill(9) }, compress: 'deflate' },
      onFrame: (frame) => {
        if (frame.direction !== 'toServer' || !isRecord(frame)) return frame.bytes;
        const bytes = Buffer.from(frame.bytes);
        bytes[1] = (bytes[1] as number) ^ FLAG_COMPRESSED;
        return bytes;
      },
    });
    await Promise.all([s.client.handshake(), s.server.handshake()]);
    await s.client.send('a'.repeat(size));
    await s.client.flush();
    await expectFatal(s.server, 'tampered');
  });
});
