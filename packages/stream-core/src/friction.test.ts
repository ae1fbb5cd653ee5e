// Issue 13 "friction" and issue 17 item 11: what a newcomer hits first.
import { closeSync, openSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { BufferOverflowError, StreamClosedError } from './errors.js';
import { assertByteStream, fromMinimalStream, isByteStream } from './minimal-stream.js';
import { Pump } from './pump.js';
import { select } from './select.js';
import { Stream } from './stream.js';
import { createStreamPair } from './testing/stream-pair.js';

describe('a read-only source', () => {
  it('a plain Readable (a /logs body) is a Stream that reads to the end and refuses writes', async () => {
    const body = Readable.from([Buffer.from('line 1\n'), Buffer.from('line 2\n')]);
    const stream = new Stream(body);
    let text = '';
    for await (const chunk of stream) text += chunk.toString();
    expect(text).toBe('line 1\nline 2\n');
    expect(() => stream.write('x')).toThrow(StreamClosedError);
    expect(() => stream.write('x')).toThrow(/read-only/);
    await stream.closeWrite();
    await stream.close();
  });

  it('pumps from a Readable into another stream', async () => {
    const [a, b] = createStreamPair();
    const moved = await new Pump(new Stream(Readable.from(['abc', 'def'])), a).run();
    expect(moved).toBe(6);
    expect((await b.readExactly(6)).toString()).toBe('abcdef');
  });
});

describe('a seed-shaped (RPyC) duck-typed stream', () => {
  // RPyC's custom stream shape: read(count), write(data), close(), closed.
  function seedShaped(input: string[]) {
    const written: string[] = [];
    return {
      written,
      closed: false,
      async read(n: number): Promise<Uint8Array | null> {
        const next = input.shift();
        return next === undefined ? null : Buffer.from(next.slice(0, n));
      },
      write(data: Uint8Array): void {
        written.push(Buffer.from(data).toString());
      },
      close(): void {
        this.closed = true;
      },
    };
  }

  it('fails at construction with an error naming the ByteStream contract', () => {
    const duck = seedShaped([]);
    expect(() => new Stream(duck as never)).toThrow(TypeError);
    expect(() => new Stream(duck as never)).toThrow(/fromMinimalStream/);
    expect(isByteStream(duck)).toBe(false);
    expect(() => assertByteStream(duck, 'channel stream')).toThrow(
      /channel stream does not honour the ByteStream contract: missing .*readyToRead/,
    );
  });

  it('fromMinimalStream() adapts it: both seed faces work over it', async () => {
    const duck = seedShaped(['hello ', 'world']);
    const stream = fromMinimalStream(duck);
    expect(isByteStream(stream)).toBe(true);
    expect((await stream.readExactly(11)).toString()).toBe('hello world');
    await stream.writeAll('reply');
    await stream.close();
    expect(duck.written.join('')).toBe('reply');
    expect(duck.closed).toBe(true);
  });
});

describe('descriptors and timeouts (issue 17, item 11)', () => {
  it('new Stream(closedFd) is a StreamClosedError, not a raw EBADF', () => {
    const fd = openSync('/dev/null', 'r');
    closeSync(fd);
    expect(() => new Stream(fd)).toThrow(StreamClosedError);
    expect(() => new Stream(fd)).toThrow(new RegExp(`file descriptor ${fd} is not open`));
  });

  it('select() with a timeout of 2^31 ms or more does not return early', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    try {
      const [, never] = createStreamPair();
      const settled = vi.fn();
      const waiting = select([never], [], 2 ** 31).then(settled);
      const longer = select([never], [], 2 ** 40).then(settled);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(settled).not.toHaveBeenCalled();
      expect(warnings.filter((w) => w.name === 'TimeoutOverflowWarning')).toEqual([]);
      void waiting;
      void longer;
      await never.close();
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('a fractional timeout below 1 (seconds, by the seed) warns once that select takes milliseconds', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    try {
      const [, b] = createStreamPair();
      expect(await select([b], [], 0.5)).toEqual([[], []]);
      expect(await b.poll(0.25)).toBe(false);
      await new Promise((resolve) => setImmediate(resolve));
      const units = warnings.filter(
        (w) => (w as { code?: string }).code === 'SLUICE_TIMEOUT_UNITS',
      );
      expect(units).toHaveLength(1);
      expect(units[0]?.message).toMatch(/milliseconds/);
      await b.close();
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('readExactly(n) past its bound is a BufferOverflowError before anything is allocated', async () => {
    const [a, b] = createStreamPair({ maxBufferSize: 1024 });
    const before = process.memoryUsage().arrayBuffers;
    const err = await b.readExactly(2 ** 32).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BufferOverflowError);
    expect(err).toMatchObject({ limit: 1024, size: 2 ** 32 });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
    // An explicit bound reads more than the buffer bound at once.
    const payload = Buffer.alloc(4096, 7);
    const reading = b.readExactly(4096, { maxBytes: 8192 });
    await a.writeAll(payload);
    expect((await reading).equals(payload)).toBe(true);
    await expect(b.readExactly(8193, { maxBytes: 8192 })).rejects.toBeInstanceOf(
      BufferOverflowError,
    );
    await a.close();
    await b.close();
  });
});
