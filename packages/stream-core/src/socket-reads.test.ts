import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionLostError } from './errors.js';
import { SocketReads } from './socket-reads.js';
import { Stream } from './stream.js';

const open: Socket[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.destroy();
});

/** A real TCP loopback pair: `reader` made with `onread`, `writer` a plain accepted socket. */
async function pair(reads: SocketReads): Promise<{ reader: Socket; writer: Socket }> {
  const server = createServer({ allowHalfOpen: true });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const reader = connect({ port, host: '127.0.0.1', allowHalfOpen: true, onread: reads.onread });
  await once(reader, 'connect');
  const [writer] = await accepted;
  server.close();
  open.push(reader, writer);
  return { reader, writer };
}

async function readBytes(stream: Stream, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let got = 0;
  for await (const chunk of stream) {
    chunks.push(Buffer.from(chunk));
    got += chunk.length;
    if (got >= n) break;
  }
  return Buffer.concat(chunks);
}

describe('SocketReads: a Stream over a socket read through onread', () => {
  it('delivers every byte in order, and the end of stream', async () => {
    const reads = new SocketReads();
    const { reader, writer } = await pair(reads);
    const stream = new Stream(reader, { reads });
    const data = randomBytes(3 * 1024 * 1024 + 17);
    writer.end(data);
    const chunks: Buffer[] = [];
    for (;;) {
      await stream.poll(5000);
      const chunk = stream.read(1 << 20);
      if (chunk === null) break;
      chunks.push(Buffer.from(chunk));
    }
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
  });

  it('keeps what arrives before the stream attaches', async () => {
    const reads = new SocketReads();
    const { reader, writer } = await pair(reads);
    writer.write('early bytes');
    // Let the bytes arrive with nobody attached yet.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reads.attached).toBe(false);
    const stream = new Stream(reader, { reads });
    writer.end(' and late ones');
    expect((await readBytes(stream, 25)).toString()).toBe('early bytes and late ones');
  });

  it('lands the next bytes in the memory readInto() chose, and read() hands out that memory', async () => {
    const reads = new SocketReads();
    const { reader, writer } = await pair(reads);
    const stream = new Stream(reader, { reads });
    const target = new Uint8Array(new ArrayBuffer(1024), 100, 200);
    let asked = 0;
    expect(stream.readInto(() => (asked++ === 0 ? target : undefined))).toBe(true);
    // A reader that takes each chunk as it arrives (as a channel does), so the stream is
    // empty when Node asks where the next read goes.
    const chunks: Uint8Array[] = [];
    stream.onReadiness(() => {
      const chunk = stream.read(1024);
      if (chunk !== null && chunk.length > 0) chunks.push(chunk);
    });
    // The memory of the first read was chosen when the socket connected, before readInto().
    writer.write('one');
    while (chunks.length < 1) await stream.poll(50);
    writer.write('two');
    while (chunks.length < 2) await stream.poll(50);
    const [one, two] = chunks as [Uint8Array, Uint8Array];
    expect(Buffer.from(one).toString()).toBe('one');
    expect(Buffer.from(two).toString()).toBe('two');
    expect(two.buffer).toBe(target.buffer);
    expect(two.byteOffset).toBe(100);
    expect(Buffer.from(target.subarray(0, 3)).toString()).toBe('two');
  });

  it('asks the reader for memory only while nothing is buffered', async () => {
    const reads = new SocketReads();
    const { reader, writer } = await pair(reads);
    const stream = new Stream(reader, { reads });
    let asked = 0;
    stream.readInto(() => {
      asked++;
      return undefined;
    });
    writer.write('a');
    await stream.poll(5000);
    const before = asked;
    writer.write('b');
    writer.write('c');
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Bytes wait unread: the reader was not asked again for the reads behind them.
    expect(asked).toBe(before);
    expect(stream.readInto(undefined)).toBe(true);
  });

  it('copies small reads out instead of pinning a 64 KiB block per chunk', async () => {
    const reads = new SocketReads();
    const { reader, writer } = await pair(reads);
    const stream = new Stream(reader, { reads });
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < 20; i++) {
      writer.write(`m${i}`);
      while (!stream.readyToRead()) await stream.poll(50);
      chunks.push(stream.read(100)!);
    }
    expect(chunks.map((c) => Buffer.from(c).toString())).toEqual(
      Array.from({ length: 20 }, (_, i) => `m${i}`),
    );
    // Pooled copies: twenty reads hold a block or two between them, not twenty 64 KiB ones.
    const held = [...new Set(chunks.map((c) => c.buffer))].reduce((n, b) => n + b.byteLength, 0);
    expect(held).toBeLessThanOrEqual(2 * Math.max(Buffer.poolSize, 8192));
  });

  it('reads into 64 KiB of its own only once a read filled the small first buffer', async () => {
    const reads = new SocketReads();
    // Every buffer Node is given to read into (wrapped before the socket takes the hooks).
    const given: Uint8Array[] = [];
    const buffer = reads.onread.buffer;
    reads.onread.buffer = () => {
      const b = buffer();
      given.push(b);
      return b;
    };
    const { reader, writer } = await pair(reads);
    const stream = new Stream(reader, { reads });
    for (let i = 0; i < 20; i++) {
      writer.write(`m${i}`);
      while (!stream.readyToRead()) await stream.poll(50);
      expect(Buffer.from(stream.read(100)!).toString()).toBe(`m${i}`);
    }
    // A socket that reads little holds a slice of Node's pool, never a 64 KiB block.
    expect(given.length).toBeGreaterThanOrEqual(20);
    expect(Math.max(...given.map((b) => b.length))).toBeLessThan(64 * 1024);
    expect(Math.max(...given.map((b) => b.buffer.byteLength))).toBeLessThanOrEqual(
      Math.max(Buffer.poolSize, 8192),
    );
    const data = randomBytes(1024 * 1024);
    writer.write(data);
    expect((await readBytes(stream, data.length)).equals(data)).toBe(true);
    expect(given.at(-1)!.length).toBe(64 * 1024);
  });

  it('stops reading the socket at the buffer bound and goes on once read', async () => {
    const reads = new SocketReads();
    const { reader, writer } = await pair(reads);
    const stream = new Stream(reader, { reads, maxBufferSize: 64 * 1024 });
    const data = randomBytes(32 * 1024 * 1024);
    writer.end(data);
    // The writer is held back: the reader's bound, then the kernel's buffers, filled up.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(writer.writableLength).toBeGreaterThan(0);
    expect(reader.isPaused()).toBe(true);
    const got = await readBytes(stream, data.length);
    expect(got.length).toBe(data.length);
    expect(got.equals(data)).toBe(true);
  });

  it('reports a connection reset as the stream error', async () => {
    const reads = new SocketReads();
    const { reader, writer } = await pair(reads);
    const stream = new Stream(reader, { reads });
    writer.resetAndDestroy();
    await stream.poll(5000);
    const failure = await (async () => {
      try {
        for (;;) {
          if (stream.read() === null) return 'end';
          await stream.poll(5000);
        }
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(ConnectionLostError);
  });

  it('a reader whose choice throws stops choosing; the stream reads on, nothing lost', async () => {
    const reads = new SocketReads();
    const { reader, writer } = await pair(reads);
    const stream = new Stream(reader, { reads });
    const thrown: unknown[] = [];
    const onUncaught = (error: unknown): void => {
      thrown.push(error);
    };
    process.prependListener('uncaughtException', onUncaught);
    try {
      let asked = 0;
      stream.readInto(() => {
        asked++;
        throw new Error('reader bug');
      });
      const chunks: Uint8Array[] = [];
      stream.onReadiness(() => {
        const chunk = stream.closed ? null : stream.read(100);
        if (chunk !== null && chunk.length > 0) chunks.push(chunk);
      });
      writer.write('one');
      while (chunks.length < 1) await stream.poll(50);
      writer.write('two');
      while (chunks.length < 2) await stream.poll(50);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(chunks.map((c) => Buffer.from(c).toString())).toEqual(['one', 'two']);
      expect(asked).toBe(1);
      expect(thrown).toHaveLength(1);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  it('is refused by a stream not made with reads', async () => {
    const stream = Stream.fromPair(new PassThrough(), new PassThrough());
    expect(stream.readInto(() => undefined)).toBe(false);
  });
});
