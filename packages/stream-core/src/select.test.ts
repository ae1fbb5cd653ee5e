import { afterEach, describe, expect, it } from 'vitest';
import type { Selectable } from './contract.js';
import { select } from './select.js';
import { Stream } from './stream.js';
import { unixSocketPair } from './testing/socket-pair.js';
import { createStreamPair } from './testing/stream-pair.js';

const open: Stream[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function socketStreams(maxBufferSize?: number): Promise<[Stream, Stream]> {
  const [x, y] = await unixSocketPair();
  const options = maxBufferSize === undefined ? {} : { maxBufferSize };
  const pair: [Stream, Stream] = [new Stream(x, options), new Stream(y, options)];
  open.push(...pair);
  return pair;
}

describe('select', () => {
  it('on a socket pair reports readability exactly as data arrives and is consumed', async () => {
    const [a, b] = await socketStreams();
    expect(a.fileno()).toBeGreaterThanOrEqual(0);
    expect(await select([a, b], [], 0)).toEqual([[], []]);
    a.write('ping');
    const [readable] = await select([a, b], [], 5000);
    expect(readable).toEqual([b]);
    expect(b.read()?.toString()).toBe('ping');
    expect(await select([a, b], [], 0)).toEqual([[], []]);
    b.write('pong');
    expect(await select([a, b], [], 5000)).toEqual([[a], []]);
    expect(a.read()?.toString()).toBe('pong');
    expect(await select([a, b], [], 0)).toEqual([[], []]);
  });

  it('on a socket pair reports writability as the peer consumes', async () => {
    const [a, b] = await socketStreams(64 * 1024);
    expect(await select([], [a, b], 0)).toEqual([[], [a, b]]);
    // Fill a's write queue: b stops reading once its read buffer is full; the kernel fills up.
    const block = Buffer.alloc(8192, 1);
    let sent = 0;
    while (a.readyToWrite()) {
      sent +=
        a.write(
          block.subarray(0, Math.min(block.length, a.maxBufferSize - a.bufferedWriteBytes)),
        ) ?? 0;
      if (!a.readyToWrite()) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await select([], [a], 0)).toEqual([[], []]);
    // Consuming on b's side makes room all the way back to a's queue.
    const waiting = select([], [a], 10_000);
    let received = 0;
    while (received < 256 * 1024 && received < sent) {
      const chunk = b.read(65536);
      if (chunk === null) break;
      received += chunk.length;
      if (chunk.length === 0) await b.poll(1000);
      if (a.readyToWrite()) break;
    }
    expect(await waiting).toEqual([[], [a]]);
  });

  it('timeout 0 answers at once; a timeout resolves empty lists; no listener is left behind', async () => {
    const [a, b] = createStreamPair();
    let subscribed = 0;
    const probe: Selectable = {
      readyToRead: () => false,
      readyToWrite: () => false,
      onReadiness: (l) => {
        subscribed++;
        const off = a.onReadiness(l);
        return () => {
          subscribed--;
          off();
        };
      },
    };
    expect(await select([probe], [probe], 0)).toEqual([[], []]);
    expect(subscribed).toBe(0);
    expect(await select([probe, b], [probe], 10)).toEqual([[], []]);
    expect(subscribed).toBe(0);
    const waiting = select([b], [], 5000);
    a.write('x');
    expect(await waiting).toEqual([[b], []]);
    await a.close();
    await b.close();
  });

  it('works with anything implementing the readiness contract', async () => {
    const listeners = new Set<() => void>();
    let ready = false;
    const custom: Selectable = {
      readyToRead: () => ready,
      readyToWrite: () => false,
      onReadiness: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    const waiting = select([custom], [], null);
    expect(listeners.size).toBe(1);
    ready = true;
    for (const l of [...listeners]) l();
    expect(await waiting).toEqual([[custom], []]);
    expect(listeners.size).toBe(0);
  });

  it('selects on pumps: a pump is readable when its source is', async () => {
    const { Pump } = await import('./pump.js');
    const [a, b] = createStreamPair();
    const [c, d] = createStreamPair();
    const pump = new Pump(b, c);
    expect(await select([pump], [], 0)).toEqual([[], []]);
    const waiting = select([pump], [pump], 5000);
    expect(await waiting).toEqual([[], [pump]]); // the destination has room at once
    const readable = select([pump], [], 5000);
    a.write('through the pump');
    expect(await readable).toEqual([[pump], []]);
    expect(pump.flush()).toBe(16);
    expect((await d.readExactly(16)).toString()).toBe('through the pump');
  });

  it('rejects a negative timeout', async () => {
    await expect(select([], [], -1)).rejects.toBeInstanceOf(RangeError);
  });
});
