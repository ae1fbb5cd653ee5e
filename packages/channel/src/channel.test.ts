import { randomBytes } from 'node:crypto';
import {
  BufferOverflowError,
  ConnectionLostError,
  ProtocolError,
  type Stream,
  StreamClosedError,
} from '@sluice/stream-core';
import { createStreamPair } from '@sluice/stream-core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { Channel } from './channel.js';
import { encodeMessages } from './codec.js';
import { BatchingChannel, CompressedChannel } from './seed-channels.js';

let streams: Stream[] = [];
function pair(): [Stream, Stream] {
  const p = createStreamPair();
  streams.push(...p);
  return p;
}
afterEach(() => {
  for (const s of streams) s.destroy();
  streams = [];
});

// Everything the peer wrote, as raw bytes, until it closes.
async function rawBytes(stream: Stream): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const text = 'the quick brown fox jumps over the lazy dog. '.repeat(200);

describe('Channel', () => {
  it('reports the end of the stream as ConnectionLostError, every time', async () => {
    const [a, b] = pair();
    const tx = new Channel(a);
    const rx = new Channel(b);
    await tx.send('last words');
    await tx.close();
    expect(Buffer.from(await rx.recv()).toString()).toBe('last words');
    await expect(rx.recv()).rejects.toThrow(ConnectionLostError);
    await expect(rx.recv()).rejects.toThrow(ConnectionLostError);
  });

  it('reports a stream that ends inside a frame as ConnectionLostError with the offset', async () => {
    const [a, b] = pair();
    const rx = new Channel(b);
    await a.writeAll(Buffer.from('0201000000ff68656c6c6f', 'hex'));
    await a.close();
    const error = await rx.recv().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect(error).not.toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ offset: 11 });
  });

  it('delivers the messages before malformed input, then a ProtocolError with its offset', async () => {
    const [a, b] = pair();
    const rx = new Channel(b);
    const good = await encodeMessages(['one', 'two']);
    await a.writeAll(Buffer.concat([good, Buffer.from('07010000000100', 'hex')]));
    expect(Buffer.from(await rx.recv()).toString()).toBe('one');
    expect(Buffer.from(await rx.recv()).toString()).toBe('two');
    const error = await rx.recv().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).offset).toBe(good.length);
    // Errors are final.
    await expect(rx.recv()).rejects.toBe(error);
  });

  it('rejects a frame announcing 2^32-1 bytes before allocating anything for it', async () => {
    const [a, b] = pair();
    const rx = new Channel(b);
    const before = process.memoryUsage().arrayBuffers;
    await a.writeAll(Buffer.from('0201ffffffff', 'hex'));
    const error = await rx.recv().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BufferOverflowError);
    expect(error).toMatchObject({ size: 2 ** 32 - 1, limit: 64 * 1024 * 1024 });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(4 * 1024 * 1024);
  });

  it('refuses to send a message over maxMessageSize, and stays usable', async () => {
    const [a, b] = pair();
    const tx = new Channel(a, { maxMessageSize: 1000 });
    const rx = new Channel(b, { maxMessageSize: 1000 });
    await expect(tx.send(Buffer.alloc(1001))).rejects.toThrow(BufferOverflowError);
    await tx.send(Buffer.alloc(1000, 1));
    expect((await rx.recv()).length).toBe(1000);
  });

  it('poll: false when nothing arrives in time, true once a whole message is ready', async () => {
    const [a, b] = pair();
    const tx = new Channel(a);
    const rx = new Channel(b);
    expect(await rx.poll(0)).toBe(false);
    expect(await rx.poll(20)).toBe(false);
    // Half a frame is not a message.
    await a.writeAll(Buffer.from('020100000003aa', 'hex'));
    expect(await rx.poll(20)).toBe(false);
    const ready = rx.poll(10_000);
    await a.writeAll(Buffer.from('bbcc', 'hex'));
    expect(await ready).toBe(true);
    expect(Buffer.from(await rx.recv()).toString('hex')).toBe('aabbcc');
    await tx.close();
    expect(await rx.poll(10_000)).toBe(true);
  });

  it('iterates over messages and ends quietly at end of stream', async () => {
    const [a, b] = pair();
    const tx = new Channel(a, { batch: true });
    const rx = new Channel(b);
    for (let i = 0; i < 25; i++) await tx.send(`m${i}`);
    await tx.close();
    const got: string[] = [];
    for await (const m of rx) got.push(Buffer.from(m).toString());
    expect(got).toEqual(Array.from({ length: 25 }, (_, i) => `m${i}`));
  });

  it('close() flushes what is batched, then closes; afterwards send fails', async () => {
    const [a, b] = pair();
    const tx = new Channel(a, { batch: { size: 100, timeout: 60 } });
    await tx.send('waiting in a batch');
    expect(tx.closed).toBe(false);
    const closing = tx.close();
    expect(tx.closed).toBe(true);
    await expect(tx.send('too late')).rejects.toThrow(StreamClosedError);
    await closing;
    const rx = new Channel(b);
    expect(Buffer.from(await rx.recv()).toString()).toBe('waiting in a batch');
    await expect(rx.recv()).rejects.toThrow(ConnectionLostError);
  });

  it('works over any ByteStream, not only Node-backed ones (the writeAll path)', async () => {
    const [a, b] = pair();
    // The same stream with its Node stream hidden: the channel must use the contract only.
    const bare = new Proxy(a, {
      get(target, key) {
        if (key === 'underlying') return undefined;
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const tx = new Channel(bare, { maxMessageSize: 8 * 1024 * 1024 });
    const rx = new Channel(b, { maxMessageSize: 8 * 1024 * 1024 });
    const big = randomBytes(3 * 1024 * 1024);
    const sending = Promise.all([tx.send('small'), tx.send(big)]);
    expect(Buffer.from(await rx.recv()).toString()).toBe('small');
    expect(Buffer.compare(await rx.recv(), big)).toBe(0);
    await sending;
  });

  it('a send accepted early that later fails is reported by the next call', async () => {
    const [a, b] = pair();
    const tx = new Channel(a, { compress: 'deflate' });
    b.destroy();
    // Accepted at once (compression runs ahead), written later, into a dead peer.
    await tx.send(Buffer.from(text)).catch(() => {});
    await expect(tx.flush()).rejects.toThrow();
    await expect(tx.send('after')).rejects.toThrow();
  });

  it('fileno() is the stream’s (-1 in memory)', () => {
    const [a] = pair();
    expect(new Channel(a).fileno()).toBe(-1);
  });

  it('a plain channel reads what a compressing, batching one sends (and back)', async () => {
    const [a, b] = pair();
    const fancy = new Channel(a, { compress: 'brotli', batch: { size: 3, timeout: 0.001 } });
    const plain = new Channel(b);
    const messages = [text, 'short', text.toUpperCase(), ''];
    for (const m of messages) await fancy.send(m);
    await fancy.flush();
    for (const m of messages) expect(Buffer.from(await plain.recv()).toString()).toBe(m);
    await plain.send(text);
    expect(Buffer.from(await fancy.recv()).toString()).toBe(text);
  });
});

describe('CompressedChannel', () => {
  it('shrinks compressible text on the wire', async () => {
    const [a, b] = pair();
    const tx = new CompressedChannel(a);
    await tx.send(text);
    await tx.close();
    const wire = await rawBytes(b);
    expect(wire.length).toBeLessThan(text.length / 10);
  });

  it('never sends incompressible data larger than plain', async () => {
    for (const size of [600, 10_000, 200_000, 3 * 1024 * 1024]) {
      const noise = randomBytes(size);
      const [a, b] = pair();
      const [c, d] = pair();
      const compressed = new CompressedChannel(a, 9);
      const plain = new Channel(c);
      await Promise.all([compressed.send(noise).then(() => compressed.close()), rawBytes(b)]).then(
        async ([, wireCompressed]) => {
          const [, wirePlain] = await Promise.all([
            plain.send(noise).then(() => plain.close()),
            rawBytes(d),
          ]);
          expect(wireCompressed.length).toBe(wirePlain.length);
        },
      );
    }
  });
});

describe('BatchingChannel', () => {
  it('takes the seed’s positional batchSize and batchTimeout', async () => {
    const [a, b] = pair();
    const tx = new BatchingChannel(a, 3, 0.001);
    const rx = new Channel(b);
    for (const m of ['a', 'b', 'c', 'd']) await tx.send(m);
    const got: string[] = [];
    for (let i = 0; i < 4; i++) got.push(Buffer.from(await rx.recv()).toString());
    expect(got).toEqual(['a', 'b', 'c', 'd']);
  });
});
