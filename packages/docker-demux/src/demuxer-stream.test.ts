// The Demuxer over a real stream-core Stream (an in-memory connected pair), driven by select()
// the way dockerpty's loop drives it.
import { select } from '@sluice/stream-core';
import { createStreamPair } from '@sluice/stream-core/testing';
import { describe, expect, it } from 'vitest';
import { frame } from '../test/helpers.js';
import { Demuxer } from './demuxer.js';

describe('Demuxer over createStreamPair', () => {
  it('reads what the daemon side sends, split anyhow, via select', async () => {
    const [client, daemon] = createStreamPair();
    const demuxer = new Demuxer(client);
    const input = Buffer.concat([frame(1, 'foo'), frame(2, ''), frame(2, 'err'), frame(1, 'd')]);
    const got: [string, number | undefined][] = [];
    const reader = (async () => {
      for (;;) {
        const [ready] = await select([demuxer], [], 5000);
        expect(ready).toEqual([demuxer]);
        const bytes = demuxer.read(2);
        if (bytes === null) return;
        if (bytes.length > 0) got.push([Buffer.from(bytes).toString(), demuxer.lastStreamId]);
      }
    })();
    for (const cut of [
      [0, 3],
      [3, 9],
      [9, 20],
      [20, input.length],
    ] as const) {
      await daemon.writeAll(input.subarray(cut[0], cut[1]));
    }
    await daemon.closeWrite();
    await reader;
    // Each read is at most 2 bytes of one stream id (where the chunks were cut decides how
    // the bytes are split), and the bytes of each id come out whole and in order.
    for (const [bytes] of got) expect(bytes.length).toBeLessThanOrEqual(2);
    const of = (id: number): string =>
      got
        .filter(([, streamId]) => streamId === id)
        .map(([bytes]) => bytes)
        .join('');
    expect(of(1)).toBe('food');
    expect(of(2)).toBe('err');
    expect(
      got
        .map(([, id]) => id)
        .join('')
        .replace(/(.)\1+/g, '$1'),
    ).toBe('121');
    expect(demuxer.fileno()).toBe(-1);
    await demuxer.close();
    await daemon.close();
  });

  it('writes through to the daemon side', async () => {
    const [client, daemon] = createStreamPair();
    const demuxer = new Demuxer(client);
    expect(demuxer.write('ls\n')).toBe(3);
    expect(await daemon.readExactly(3)).toEqual(Buffer.from('ls\n'));
    expect(demuxer.needsWrite()).toBe(false);
    await demuxer.close();
    await daemon.close();
  });
});
