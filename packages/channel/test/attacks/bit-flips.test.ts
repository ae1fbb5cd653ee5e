// Attack: the proxy flips one bit of the first application record the client sends, in its
// ciphertext, its tag, its length field or its flags. The header is the record's associated
// data and the tag covers the ciphertext, so each is one fatal 'tampered' on the server,
// with nothing delivered.
import { describe, it } from 'vitest';
import { expectFatal } from './expect-fatal.js';
import { type Frame, isRecord } from './proxy.js';
import { session } from './session.js';

const FLAG_BATCH = 0x02;
// A message whose bytes are also a valid batch ("hi", "yo"): with the flags unauthenticated,
// setting BATCH on its record would deliver two other messages instead of failing.
const BATCH_SHAPED = Buffer.from('00000002686900000002796f', 'hex');

const where: [string, (frame: Frame) => [offset: number, mask: number]][] = [
  ['ciphertext', (f) => [f.headerSize + 2, 0x10]],
  ['tag', (f) => [f.bytes.length - 1, 0x01]],
  // The lowest bit of the length: the record becomes one byte longer or shorter.
  ['length', () => [5, 0x01]],
  ['flags', () => [1, FLAG_BATCH]],
];

describe('attack: bit flips', () => {
  it.each(where)('in the %s of a record: one fatal tampered, nothing delivered', async (_, at) => {
    let records = 0;
    await using s = await session({
      onFrame: (frame) => {
        if (frame.direction !== 'toServer' || !isRecord(frame) || records++ > 0) return frame.bytes;
        const [offset, mask] = at(frame);
        const bytes = Buffer.from(frame.bytes);
        bytes[offset] = (bytes[offset] as number) ^ mask;
        return bytes;
      },
    });
    await Promise.all([s.client.handshake(), s.server.handshake()]);
    // A second record follows, so a record made one byte longer still gets its byte.
    await s.client.send(BATCH_SHAPED);
    await s.client.send('second secret');
    await s.client.flush();
    await expectFatal(s.server, 'tampered');
  });
});
