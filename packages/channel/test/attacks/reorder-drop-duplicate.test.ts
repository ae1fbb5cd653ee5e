// Attack: the proxy reorders two records, drops one, or duplicates one. Each record's nonce
// is its position in the stream, so the first record out of place fails its tag: fatal, and
// only the records before it are delivered. It verifies under a nearby nonce (one ahead, or
// one behind for a duplicate), so the failure is 'replayed' ("replayed or out of order"),
// not 'tampered'; a flipped bit in the same place stays 'tampered'.
import type { EncryptionFailure } from '@sluice/stream-core';
import { describe, it } from 'vitest';
import { expectFatal } from './expect-fatal.js';
import { type Frame, isRecord } from './proxy.js';
import { session } from './session.js';

type Rewrite = (record: Frame, index: number) => Buffer[];

function rewriter(rewrite: Rewrite): (frame: Frame) => Buffer[] | Buffer {
  let index = 0;
  return (frame) =>
    frame.direction === 'toServer' && isRecord(frame) ? rewrite(frame, index++) : frame.bytes;
}

async function attack(
  rewrite: Rewrite,
  delivered: string[],
  reason: EncryptionFailure = 'replayed',
): Promise<void> {
  await using s = await session({ onFrame: rewriter(rewrite) });
  await Promise.all([s.client.handshake(), s.server.handshake()]);
  for (const m of ['one', 'two', 'three']) {
    await s.client.send(m);
    await s.client.flush();
  }
  await expectFatal(s.server, reason, delivered);
}

describe('attack: records out of order', () => {
  it('reordered (two before one): fatal, nothing delivered', async () => {
    let held: Buffer | undefined;
    await attack((record, i) => {
      if (i === 0) {
        held = record.bytes;
        return [];
      }
      return i === 1 ? [record.bytes, held as Buffer] : [record.bytes];
    }, []);
  });

  it('dropped (two never arrives): fatal after one', async () => {
    await attack((record, i) => (i === 1 ? [] : [record.bytes]), ['one']);
  });

  it('duplicated (one twice): fatal after one', async () => {
    await attack((record, i) => (i === 0 ? [record.bytes, record.bytes] : [record.bytes]), ['one']);
  });

  it('dropped, and the next record flipped: tampered (it verifies under no nonce)', async () => {
    await attack(
      (record, i) => {
        if (i === 1) return [];
        if (i !== 2) return [record.bytes];
        const bytes = Buffer.from(record.bytes);
        bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0x01;
        return [bytes];
      },
      ['one'],
      'tampered',
    );
  });
});
