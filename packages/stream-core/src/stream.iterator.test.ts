import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConnectionLostError, EncryptionError, StreamError } from './errors.js';
import { Stream } from './stream.js';
import { createStreamPair } from './testing/stream-pair.js';

describe('Stream: async iteration', () => {
  it('next() calls made before the data arrives get the chunks in call order', async () => {
    const [a, b] = createStreamPair();
    const it = b[Symbol.asyncIterator]();
    const first = it.next();
    const second = it.next();
    await a.writeAll('one');
    await a.writeAll('two');
    await a.close();
    const got = [(await first).value?.toString(), (await second).value?.toString()];
    // The pair may join the two writes; what matters is the order and that nothing is lost.
    expect(got.join('') + ((await it.next()).value?.toString() ?? '')).toBe('onetwo');
    expect((await it.next()).done).toBe(true);
  });

  it('return() (a `break`) ends this iterator; the stream stays open for other readers', async () => {
    const [a, b] = createStreamPair();
    await a.writeAll('abc');
    for await (const chunk of b) {
      expect(chunk.toString()).toBe('abc');
      break;
    }
    expect(b.closed).toBe(false);
    await a.writeAll('def');
    const it = b[Symbol.asyncIterator]();
    expect((await it.next()).value?.toString()).toBe('def');
    await a.close();
    expect((await it.next()).done).toBe(true);
  });

  it('a next() waiting when the stream is closed ends quietly', async () => {
    const [a, b] = createStreamPair();
    const it = b[Symbol.asyncIterator]();
    const waiting = it.next();
    await b.close();
    expect(await waiting).toEqual({ done: true, value: undefined });
    await a.close();
  });

  it('a next() waiting when the source fails rejects with the typed error, then iteration is over', async () => {
    const source = new PassThrough();
    const stream = Stream.fromPair(source, new PassThrough());
    const it = stream[Symbol.asyncIterator]();
    const waiting = it.next();
    source.destroy(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    await expect(waiting).rejects.toBeInstanceOf(ConnectionLostError);
    expect((await it.next()).done).toBe(true);
    await stream.close();
  });
});

describe('Stream: mapError option', () => {
  it("types the Node stream's errors with the caller's mapping", async () => {
    const source = new PassThrough();
    const stream = Stream.fromPair(source, new PassThrough(), {
      mapError: (err) =>
        (err as { code?: string }).code === 'ERR_SSL_DECRYPTION_FAILED'
          ? new EncryptionError('bad record', { cause: err })
          : undefined,
    });
    source.destroy(Object.assign(new Error('decrypt'), { code: 'ERR_SSL_DECRYPTION_FAILED' }));
    await stream.poll(1000);
    const err: unknown = (() => {
      try {
        stream.read();
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(EncryptionError);
    expect((err as Error).cause).toBeInstanceOf(Error);
    await stream.close();
  });

  it('falls back to the generic mapping when the option returns undefined', async () => {
    const source = new PassThrough();
    const stream = Stream.fromPair(source, new PassThrough(), { mapError: () => undefined });
    source.destroy(new Error('odd'));
    await stream.poll(1000);
    expect(() => stream.read()).toThrow(StreamError);
    expect(() => stream.read()).not.toThrow(EncryptionError);
    await stream.close();
  });
});
