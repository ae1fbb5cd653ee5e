// Issue 12: the contract members users read without casting (counters, bounds), a gathered
// write corked per tick, and named states instead of booleans.
import { openSync } from 'node:fs';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { ByteStream } from './contract.js';
import { BufferOverflowError, ConnectionLostError } from './errors.js';
import { Stream } from './stream.js';
import { unixSocketPair } from './testing/socket-pair.js';

describe('Stream parts and contract members', () => {
  it('writev() hands its parts on in one corked write: the socket gets them in one _writev', async () => {
    const [x, y] = await unixSocketPair();
    const gathered: number[] = [];
    const socket = x as Socket & { _writev: (chunks: unknown[], cb: () => void) => void };
    const original = socket._writev.bind(socket);
    socket._writev = (chunks, cb) => {
      gathered.push(chunks.length);
      original(chunks, cb);
    };
    const a = new Stream(x);
    const b = new Stream(y);
    expect(a.writev(['head', Buffer.from('-'), 'body'])).toBe(9);
    expect(a.writev([])).toBeUndefined();
    expect((await b.readExactly(9)).toString()).toBe('head-body');
    expect(gathered).toEqual([3]);
    await a.writeAllv(['x', 'y', 'z']);
    expect((await b.readExactly(3)).toString()).toBe('xyz');
    await Promise.all([a.close(), b.close()]);
  });

  it('writev() is all or none: past the bound nothing of it is taken', async () => {
    const [x, y] = await unixSocketPair();
    const a = new Stream(x, { maxBufferSize: 16 });
    y.pause();
    // Fill the kernel and the writable, then the queue to its bound.
    while (a.readyToWrite()) {
      a.write(Buffer.alloc(8));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const queued = a.bufferedWriteBytes;
    expect(() => a.writev([Buffer.alloc(8), Buffer.alloc(8), Buffer.alloc(8)])).toThrow(
      BufferOverflowError,
    );
    expect(a.bufferedWriteBytes).toBe(queued);
    a.destroy();
    y.destroy();
  });

  it('counts bytes both ways and reports its bound, as the ByteStream contract declares', async () => {
    const [x, y] = await unixSocketPair();
    const a: ByteStream = new Stream(x, { maxBufferSize: 4096 });
    const b: ByteStream = new Stream(y);
    await a.writeAll('12345');
    await b.readExactly(5);
    expect([a.bytesWritten, b.bytesRead, a.maxBufferSize]).toEqual([5, 5, 4096]);
    expect([a.bufferedWriteBytes, b.bufferedReadBytes]).toEqual([0, 0]);
    await Promise.all([a.close(), b.close()]);
  });

  it('has named states: open, failed, closed; its read side idle until asked to read', async () => {
    const fd = openSync('/dev/null', 'r');
    const lazy = new Stream(fd);
    expect(lazy.readBuffer.state).toBe('idle');
    lazy.readyToRead();
    expect(lazy.readBuffer.state === 'idle').toBe(false);
    await lazy.close();
    expect(lazy.state).toBe('closed');

    // A real TCP connection, reset by its peer.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
    const x = connect((server.address() as AddressInfo).port, '127.0.0.1');
    const y = await accepted;
    const a = new Stream(x);
    expect(a.state).toBe('open');
    expect(a.writeQueue.state).toBe('open');
    y.resetAndDestroy();
    await a.poll(5000);
    while (a.state === 'open') await new Promise((resolve) => setImmediate(resolve));
    expect(a.state).toBe('failed');
    expect(a.failure instanceof ConnectionLostError).toBe(true);
    a.destroy();
    server.close();
  });
});
