import { PassThrough, Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  BufferOverflowError,
  ConnectError,
  ConnectionLostError,
  StreamClosedError,
} from './errors.js';
import { Stream } from './stream.js';
import { chunkedSource } from './testing/chunked-source.js';
import { partialWriteSink } from './testing/sinks.js';
import { createStreamPair } from './testing/stream-pair.js';

/** A Stream reading `bytes` (split at `splits`) and writing into a PassThrough. */
function sourceStream(bytes: string, splits: number[] = []): Stream {
  return Stream.fromPair(chunkedSource(bytes, splits), new PassThrough());
}

async function readAll(stream: Stream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

describe('Stream: dockerpty face', () => {
  it('writes partially into a sink taking 5 bytes per write, and doWrite() flushes the rest', () => {
    const sink = partialWriteSink(5);
    const stream = new Stream(sink);
    expect(stream.write('123456789')).toBe(9);
    expect(sink.received.toString()).toBe('12345');
    expect(stream.needsWrite()).toBe(true);
    expect(stream.doWrite()).toBe(4);
    expect(sink.received.toString()).toBe('123456789');
    expect(sink.deliveries.map(String)).toEqual(['12345', '6789']);
    expect(stream.needsWrite()).toBe(false);
  });

  it('flushes the rest by itself when the sink drains', async () => {
    const sink = partialWriteSink(5);
    const stream = new Stream(sink);
    stream.write('123456789');
    await new Promise<void>((resolve) => {
      const off = stream.onReadiness(() => {
        if (!stream.needsWrite()) {
          off();
          resolve();
        }
      });
    });
    expect(sink.received.toString()).toBe('123456789');
    expect(stream.needsWrite()).toBe(false);
  });

  it('hands a queued chunk whole to a writable that drained, as a direct sender would', async () => {
    // A socket-like writable: 16 KiB mark, each write taken on a later turn of the loop.
    const sizes: number[] = [];
    const sink = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _e, done) {
        sizes.push(chunk.length);
        setImmediate(done);
      },
    });
    const stream = Stream.fromPair(new PassThrough(), sink);
    const chunk = Buffer.alloc(64 * 1024, 1);
    for (let i = 0; i < 4; i++) await stream.writeAll(chunk);
    await stream.close();
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(4 * 64 * 1024);
    // Not cut into high-water-mark pieces: one write per chunk.
    expect(sizes).toEqual([65536, 65536, 65536, 65536]);
  });

  it('close() with pending data closes only after the flush', async () => {
    const sink = partialWriteSink(3);
    const stream = new Stream(sink);
    stream.write('abcdefghij');
    expect(sink.received.toString()).toBe('abc');
    const finished = new Promise((resolve) => sink.once('finish', resolve));
    const closing = stream.close();
    expect(stream.closed).toBe(true);
    expect(sink.writableEnded).toBe(false);
    await closing;
    await finished;
    expect(sink.received.toString()).toBe('abcdefghij');
    expect(sink.destroyed).toBe(true);
  });

  it('write("") writes nothing and returns undefined', () => {
    const sink = partialWriteSink(5);
    const stream = new Stream(sink);
    expect(stream.write('')).toBeUndefined();
    expect(stream.write(new Uint8Array(0))).toBeUndefined();
    expect(stream.needsWrite()).toBe(false);
    expect(sink.deliveries).toEqual([]);
  });

  it('read() gives an empty result when nothing is ready and null at end of stream', async () => {
    const [a, b] = createStreamPair();
    expect(b.read()).toEqual(Buffer.alloc(0));
    a.write('hi');
    await b.poll(1000);
    expect(b.read()?.toString()).toBe('hi');
    await a.closeWrite();
    await b.poll(1000);
    expect(b.read()).toBeNull();
    expect(b.read()).toBeNull();
  });

  it('read(n) never returns more than n bytes and walks chunk boundaries', async () => {
    const stream = sourceStream('abcdefghij', [2, 3, 7]);
    await stream.readExactly(0);
    await stream.poll(1000);
    const got: string[] = [];
    for (;;) {
      const piece = stream.read(4);
      if (piece === null) break;
      if (piece.length === 0) {
        await stream.poll(1000);
        continue;
      }
      expect(piece.length).toBeLessThanOrEqual(4);
      got.push(piece.toString());
    }
    expect(got.join('')).toBe('abcdefghij');
  });

  it('read(n) hands out buffered chunks as views of what arrived, never joined copies', async () => {
    const first = Buffer.from('abc');
    const second = Buffer.from('defg');
    const source = new PassThrough();
    const stream = Stream.fromPair(source, new PassThrough());
    source.write(first);
    source.write(second);
    // Both chunks buffered before the first read.
    for (let i = 0; i < 100 && stream.bufferedReadBytes < 7; i++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(stream.bufferedReadBytes).toBe(7);
    const a = stream.read(100)!;
    const b = stream.read(2)!;
    const c = stream.read(100)!;
    expect([a, b, c].map(String)).toEqual(['abc', 'de', 'fg']);
    // Views: writing through them shows in the chunks that arrived, so nothing was copied.
    a[0] = 0x41;
    c[1] = 0x47;
    expect(first.toString()).toBe('Abc');
    expect(second.toString()).toBe('defG');
  });

  it('accepts sources that yield plain Uint8Arrays or strings', async () => {
    const chunks = [new Uint8Array([104, 105]), 'there'];
    const stream = Stream.fromPair(Readable.from(chunks), new PassThrough());
    expect((await stream.readExactly(7)).toString()).toBe('hithere');
  });

  it('reads from a source its owner had paused', async () => {
    const source = new PassThrough();
    source.pause();
    source.write('paused before');
    const stream = Stream.fromPair(source, new PassThrough());
    expect((await stream.readExactly(13)).toString()).toBe('paused before');
  });

  it('a refused connection fails with ConnectError', async () => {
    const { createConnection, createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const stream = new Stream(createConnection({ port, host: '127.0.0.1' }));
    const err = await stream.readExactly(1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    await stream.close();
  });

  it('rejects bad arguments with RangeError / TypeError', async () => {
    const [a] = createStreamPair();
    expect(() => new Stream(a.underlying, { maxBufferSize: 0 })).toThrow(RangeError);
    expect(() => a.read(-1)).toThrow(RangeError);
    expect(() => a.read(1.5)).toThrow(RangeError);
    expect(() => a.write(42 as never)).toThrow(TypeError);
    await expect(a.readExactly(-1)).rejects.toBeInstanceOf(RangeError);
  });

  it('fileno() is -1 for an in-memory stream', () => {
    const [a] = createStreamPair();
    expect(a.fileno()).toBe(-1);
  });

  it('a non-blocking write past the bound fails with BufferOverflowError and loses nothing', async () => {
    const [a, b] = createStreamPair({ maxBufferSize: 64, highWaterMark: 16 });
    // Fill everything between the two: the peer's read buffer, the pair, our queue.
    const accepted: Buffer[] = [];
    let overflow: unknown;
    for (let i = 0; i < 100 && overflow === undefined; i++) {
      const piece = Buffer.alloc(10, 65 + (i % 26));
      try {
        a.write(piece);
        accepted.push(piece);
      } catch (err) {
        overflow = err;
      }
    }
    expect(overflow).toBeInstanceOf(BufferOverflowError);
    expect((overflow as BufferOverflowError).limit).toBe(64);
    expect(a.bufferedWriteBytes).toBeLessThanOrEqual(64);
    // Everything accepted before the overflow arrives, in order; the refused piece does not.
    const [received] = await Promise.all([readAll(b), a.close()]);
    expect(received).toBe(Buffer.concat(accepted).toString());
  });
});

describe('Stream: RPyC face', () => {
  it('readExactly() assembles bytes across chunk boundaries', async () => {
    const stream = sourceStream('hello world, this is sluice', [1, 2, 3, 8, 20]);
    expect((await stream.readExactly(4)).toString()).toBe('hell');
    expect((await stream.readExactly(10)).toString()).toBe('o world, t');
    expect((await stream.readExactly(13)).toString()).toBe('his is sluice');
  });

  it('readExactly() rejects with ConnectionLostError when the stream ends first', async () => {
    const stream = sourceStream('short', [2]);
    const err = await stream.readExactly(10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionLostError);
    expect((err as Error).message).toMatch(/5 of 10/);
  });

  it('after close every call fails with "stream has been closed"', async () => {
    const [a] = createStreamPair();
    await a.close();
    expect(a.closed).toBe(true);
    const calls: Array<() => unknown> = [() => a.read(), () => a.write('x'), () => a.doWrite()];
    for (const call of calls) expect(call).toThrow(new StreamClosedError('stream has been closed'));
    for (const call of [() => a.readExactly(1), () => a.poll(0), () => a.writeAll('x')]) {
      await expect(call()).rejects.toThrow('stream has been closed');
      await expect(call()).rejects.toBeInstanceOf(StreamClosedError);
    }
    expect(() => a.closeWrite()).toThrow(StreamClosedError);
    await a.close(); // idempotent
  });

  it('poll(0) is false without data, true with data, true after the peer hangs up', async () => {
    const [a, b] = createStreamPair();
    expect(await b.poll(0)).toBe(false);
    a.write('x');
    expect(await b.poll(1000)).toBe(true);
    expect(await b.poll(0)).toBe(true);
    b.read();
    expect(await b.poll(0)).toBe(false);
    await a.close();
    expect(await b.poll(1000)).toBe(true);
    expect(b.read()).toBeNull();
  });

  it('poll(timeout) resolves false when the time passes without data', async () => {
    const [, b] = createStreamPair();
    expect(await b.poll(20)).toBe(false);
  });

  it('half-close lets the peer read to the end and still write back', async () => {
    const [a, b] = createStreamPair();
    await a.writeAll('request');
    await a.closeWrite();
    expect(() => a.write('more')).toThrow(StreamClosedError);
    expect(await readAll(b)).toBe('request');
    await b.writeAll('response');
    await b.close();
    expect(await readAll(a)).toBe('response');
  });

  it('writeAll() waits under backpressure and delivers everything in order', async () => {
    const [a, b] = createStreamPair({ maxBufferSize: 1024, highWaterMark: 256 });
    const data = Buffer.alloc(100_000);
    for (let i = 0; i < data.length; i++) data[i] = i % 251;
    const reading = (async () => {
      const parts: Buffer[] = [];
      for await (const chunk of b) {
        parts.push(Buffer.from(chunk));
        // The reader's buffer stays within its bound (plus one chunk in flight).
        expect(b.bufferedReadBytes).toBeLessThanOrEqual(1024 + 256);
      }
      return Buffer.concat(parts);
    })();
    await a.writeAll(data);
    expect(a.bufferedWriteBytes).toBeLessThanOrEqual(1024);
    await a.close();
    expect((await reading).equals(data)).toBe(true);
  });

  it('a reader that does not read pauses the source: buffers stay bounded', async () => {
    const [a, b] = createStreamPair({ maxBufferSize: 4096, highWaterMark: 1024 });
    let written = 0;
    const writing = (async () => {
      for (let i = 0; i < 1000; i++) {
        await a.writeAll(Buffer.alloc(1024));
        written += 1024;
      }
    })();
    // Wait until the writer is stuck: the reader's buffer is full and the source paused.
    while (!(b.bufferedReadBytes >= 4096 && a.bufferedWriteBytes > 0))
      await a.poll(5).catch(() => {});
    const before = written;
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toBe(before);
    expect(written).toBeLessThan(32 * 1024);
    expect(b.bufferedReadBytes).toBeLessThanOrEqual(4096 + 1024);
    await b.close();
    await a.close();
    await writing.catch(() => {});
  });

  it('a write to a peer that went away fails with ConnectionLostError, never an unhandled error', async () => {
    const [a, b] = createStreamPair();
    b.destroy();
    await a.poll(1000);
    a.write('x');
    await new Promise((resolve) => setImmediate(resolve));
    expect(() => a.write('y')).toThrow(ConnectionLostError);
    await expect(a.writeAll('z')).rejects.toBeInstanceOf(ConnectionLostError);
    await a.close();
  });

  it('async iteration yields the chunks until end of stream; await using closes', async () => {
    const [a, b] = createStreamPair();
    {
      await using writer = a;
      await writer.writeAll('one ');
      await writer.writeAll('two');
    }
    expect(a.closed).toBe(true);
    expect(await readAll(b)).toBe('one two');
  });
});
