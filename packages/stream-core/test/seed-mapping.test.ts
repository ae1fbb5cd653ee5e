// Issue 13 acceptance: the seed-mapping tables of the README, each row's "sluice" column run
// for real (real sockets, a child process, descriptors), as a user of the seed would
// translate it. A row added to the tables without a case here fails the last test.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import * as core from '../src/index.js';
import {
  BufferedStream,
  ConnectionLostError,
  Pump,
  Stream,
  StreamClosedError,
  select,
} from '../src/index.js';
import { createStreamPair, unixSocketPair } from '../src/testing/index.js';
import { nodeCommand } from './harness.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'sluice-seed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The rows (first cell) of the tables under "### dockerpty" and "### RPyC".
function rows(heading: string): string[] {
  const start = README.indexOf(`### ${heading}`);
  const end = README.indexOf('\n#', start + 4);
  return README.slice(start, end)
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l))
    .slice(1)
    .map((l) => l.split('|')[1]!.trim());
}

async function sockets(): Promise<[Stream, Stream]> {
  const [x, y] = await unixSocketPair();
  return [new Stream(x), new Stream(y)];
}

const cases: Record<string, () => Promise<void>> = {
  // --- dockerpty ---
  '`Stream(fd)`': async () => {
    // A descriptor, or any object with fileno(): here a file opened for reading.
    const file = join(dir, 'stream-fd');
    writeFileSync(file, 'via fd');
    const fd = openSync(file, 'r');
    const stream = new Stream({ fileno: () => fd });
    expect((await stream.readExactly(6)).toString()).toBe('via fd');
    expect(await stream.poll(5000)).toBe(true);
    expect(stream.read()).toBeNull();
    await stream.close();
  },
  '`Stream.fileno()`': async () => {
    const file = join(dir, 'fileno');
    const fd = openSync(file, 'w');
    const stream = new Stream(fd);
    expect(stream.fileno()).toBe(fd);
    await stream.writeAll('x');
    await stream.close();
    expect(readFileSync(file, 'utf8')).toBe('x');
  },
  '`Stream.set_blocking(value)`': async () => {
    expect('setBlocking' in Stream.prototype).toBe(false);
  },
  '`Stream.read(n=4096)`': async () => {
    const [a, b] = await sockets();
    expect(b.read()?.length).toBe(0); // nothing yet: empty, not null
    a.write('abc');
    await b.poll(5000);
    expect(b.read(2)?.toString()).toBe('ab');
    await a.close();
    await b.poll(5000);
    expect(b.read()?.toString()).toBe('c');
    await b.poll(5000);
    expect(b.read()).toBeNull();
    await b.close();
  },
  '`Stream.write(data)`': async () => {
    const [a, b] = await sockets();
    expect(a.write('hello')).toBe(5);
    expect(a.write('')).toBeUndefined();
    expect((await b.readExactly(5)).toString()).toBe('hello');
    await Promise.all([a.close(), b.close()]);
  },
  '`Stream.do_write()`': async () => {
    const [a, b] = await sockets();
    a.write('queued');
    while (a.needsWrite()) {
      await select([], [a], 5000);
      a.doWrite();
    }
    expect((await b.readExactly(6)).toString()).toBe('queued');
    await Promise.all([a.close(), b.close()]);
  },
  '`Stream.needs_write()`': async () => {
    const [a, b] = await sockets();
    expect(a.needsWrite()).toBe(false);
    await Promise.all([a.close(), b.close()]);
  },
  '`Stream.close()`': async () => {
    const [a, b] = await sockets();
    a.write('last words');
    await a.close(); // flushes first
    expect(a.closed).toBe(true);
    expect(() => a.write('x')).toThrow(StreamClosedError);
    let text = '';
    for await (const chunk of b) text += chunk.toString();
    expect(text).toBe('last words');
    await b.close();
  },
  '`Stream.ERRNO_RECOVERABLE`': async () => {
    expect('ERRNO_RECOVERABLE' in core).toBe(false);
  },
  '`Demuxer`': async () => {
    // Provided by @sluice/docker-demux (tested there, over stream-core's Stream).
    expect('Demuxer' in core).toBe(false);
  },
  '`Pump(from, to, wait_for_output=True, propagate_close=True)`': async () => {
    const [a, b] = await sockets();
    const [c, d] = await sockets();
    const pump = new Pump(b, c);
    expect([pump.waitForOutput, pump.propagateClose]).toEqual([true, true]);
    await a.writeAll('through');
    await a.closeWrite();
    expect(await pump.run()).toBe(7);
    let text = '';
    for await (const chunk of d) text += chunk.toString();
    expect(text).toBe('through');
    await Promise.all([a.close(), b.close(), c.close(), d.close()]);
  },
  '`Pump.fileno()`': async () => {
    const [a, b] = await sockets();
    expect(new Pump(a, b).fileno()).toBe(a.fileno());
    await Promise.all([a.close(), b.close()]);
  },
  '`Pump.set_blocking()`': async () => {
    expect('setBlocking' in Pump.prototype).toBe(false);
  },
  '`Pump.flush(n=4096)`': async () => {
    const [a, b] = await sockets();
    const [c, d] = await sockets();
    const pump = new Pump(b, c);
    a.write('0123456789');
    await select([pump], [], 5000);
    expect(pump.flush(4)).toBe(4);
    await a.closeWrite();
    let moved: number | null = 0;
    while (moved !== null) {
      await select([pump], [], 5000);
      moved = pump.flush();
    }
    let text = '';
    for await (const chunk of d) text += chunk.toString();
    expect(text).toBe('0123456789');
    await Promise.all([a.close(), b.close(), c.close(), d.close()]);
  },
  '`pump.eof`': async () => {
    const [a, b] = createStreamPair();
    const [c] = createStreamPair();
    const pump = new Pump(b, c, { propagateClose: false });
    await a.close();
    await b.poll(5000);
    expect(pump.eof).toBe(false);
    expect(pump.flush()).toBeNull();
    expect(pump.eof).toBe(true);
    expect(await select([pump], [], 0)).toEqual([[], []]);
  },
  '`Pump.is_done()`': async () => {
    const [a, b] = createStreamPair();
    const [c] = createStreamPair();
    const pump = new Pump(b, c, { propagateClose: false });
    expect(pump.isDone()).toBe(false);
    await a.close();
    while (!pump.isDone()) {
      await select([pump], [], 5000);
      pump.flush();
    }
    expect(pump.eof).toBe(true);
  },
  '—': async () => {
    // `Pump.run(signal?)`, `closeWrite()`, `for await` / `await using`: the rows new in sluice.
    const [a, b] = await sockets();
    const [c, d] = await sockets();
    const running = new Pump(b, c).run(AbortSignal.timeout(10_000));
    await a.writeAll('new rows');
    await a.closeWrite(); // half-close: b still writes back
    {
      await using e = d;
      let text = '';
      for await (const chunk of e) text += chunk.toString();
      expect(text).toBe('new rows');
    }
    expect(d.closed).toBe(true);
    expect(await running).toBe(8);
    b.write('reply');
    expect((await a.readExactly(5)).toString()).toBe('reply');
    await Promise.all([a.close(), b.close(), c.close()]);
  },
  '`set_blocking(fd, blocking)`': async () => {
    expect('setBlocking' in core || 'set_blocking' in core).toBe(false);
  },
  '`select(reads, writes, timeout=0)`': async () => {
    const [a, b] = await sockets();
    expect(await select([b], [a], 0)).toEqual([[], [a]]);
    const started = Date.now();
    expect(await select([b], [], 50)).toEqual([[], []]); // milliseconds: 50 ms, not 50 s
    expect(Date.now() - started).toBeLessThan(5000);
    a.write('x');
    expect(await select([b], [], null)).toEqual([[b], []]);
    await Promise.all([a.close(), b.close()]);
  },
  // --- RPyC ---
  '`SocketStream(sock)`': async () => {
    const [x, y] = await unixSocketPair();
    const stream = new Stream(x);
    expect(stream.underlying).toBe(x);
    y.end('from the socket');
    expect((await stream.readExactly(15)).toString()).toBe('from the socket');
    await stream.close();
  },
  '`SocketStream.connect(host, port, …)`, `ssl_connect`, `TunneledSocketStream`, `unix_connect`':
    async () => {
      // Connecting is @sluice/transports' job (tested there); stream-core offers no connect.
      expect('connect' in Stream).toBe(false);
    },
  '`PipeStream(input, output)`': async () => {
    const input = Readable.from(['in']);
    const output = new PassThrough();
    const stream = Stream.fromPair(input, output);
    expect((await stream.readExactly(2)).toString()).toBe('in');
    await stream.writeAll('out');
    expect(output.read()?.toString()).toBe('out');
    await stream.close();
  },
  '`PipeStream.create_pair()`': async () => {
    const [a, b] = createStreamPair();
    await a.writeAll('ping');
    expect((await b.readExactly(4)).toString()).toBe('ping');
    expect(a.fileno()).toBe(-1); // in memory: no descriptor
  },
  '`PipeStream.from_std()`': async () => {
    // A child whose stdio is this mapping: it echoes stdin to stdout in upper case, closes the
    // Stream, then tries to write on: the README's close semantics, seen from outside.
    const program = join(dir, 'from-std.ts');
    writeFileSync(
      program,
      `import { Stream } from '@sluice/stream-core';
      const std = Stream.fromPair(process.stdin, process.stdout);
      for await (const chunk of std) await std.writeAll(chunk.toString().toUpperCase());
      await std.close();
      console.log('after close');
      console.error(JSON.stringify({ stdinDestroyed: process.stdin.destroyed }));`,
    );
    const [node, ...args] = nodeCommand(program);
    const child = spawn(node!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end('shout');
    const [out, err] = await Promise.all([child.stdout.toArray(), child.stderr.toArray()]);
    // stdout (a pipe) was shut down by close(): the later console.log never arrives.
    expect(Buffer.concat(out).toString()).toBe('SHOUT');
    expect(JSON.parse(Buffer.concat(err).toString())).toEqual({ stdinDestroyed: true });
  },
  '`connect_subproc(args)`': async () => {
    const child = spawn('cat', [], { stdio: ['pipe', 'pipe', 'inherit'] });
    const stream = new Stream(child);
    await stream.writeAll('cat echoes');
    expect((await stream.readExactly(10)).toString()).toBe('cat echoes');
    await stream.closeWrite();
    expect(await stream.poll(5000)).toBe(true);
    expect(stream.read()).toBeNull();
    await stream.close();
  },
  '`read(count)` (exactly `count`, EOFError at end)': async () => {
    const [a, b] = await sockets();
    a.write('ab');
    expect((await b.readExactly(1)).toString()).toBe('a');
    await a.close();
    await expect(b.readExactly(5)).rejects.toBeInstanceOf(ConnectionLostError);
    await b.close();
  },
  '`write(data)` (all or fail)': async () => {
    const [a, b] = await sockets();
    const big = Buffer.alloc(4 * 1024 * 1024, 3);
    const writing = a.writeAll(big); // more than every buffer: waits for the reader
    const got = await b.readExactly(big.length, { maxBytes: big.length });
    await writing;
    expect(got.equals(big)).toBe(true);
    await Promise.all([a.close(), b.close()]);
  },
  '`poll(timeout)`': async () => {
    const [a, b] = await sockets();
    expect(await b.poll(20)).toBe(false); // 20 ms
    a.write('x');
    expect(await b.poll(5000)).toBe(true);
    await Promise.all([a.close(), b.close()]);
  },
  '`close()` / `closed`': async () => {
    const [a, b] = await sockets();
    expect(a.closed).toBe(false);
    await a.close();
    expect(a.closed).toBe(true);
    await expect(a.readExactly(1)).rejects.toThrow('stream has been closed');
    await b.close();
  },
  '`BufferedStream(stream, buffer_size=8192)`': async () => {
    const [a, b] = await sockets();
    const buffered = new BufferedStream(a, 8192);
    for (let i = 0; i < 100; i++) buffered.write('.');
    expect(b.readyToRead()).toBe(false);
    await buffered.flush();
    expect((await b.readExactly(100)).toString()).toBe('.'.repeat(100));
    await Promise.all([buffered.close(), b.close()]);
  },
  '`StreamError`, `ConnectionLostError`, `BufferOverflowError`, `CompressionError`, `EncryptionError`':
    async () => {
      const { StreamError, BufferOverflowError, CompressionError, EncryptionError } = core;
      for (const ErrorClass of [
        StreamError,
        ConnectionLostError,
        BufferOverflowError,
        CompressionError,
        EncryptionError,
      ]) {
        expect(new ErrorClass('x')).toBeInstanceOf(StreamError);
      }
    },
  '`DEFAULT_BUFFER_SIZE`, `MAX_BUFFER_SIZE`': async () => {
    expect([core.DEFAULT_BUFFER_SIZE, core.MAX_BUFFER_SIZE]).toEqual([8192, 1024 * 1024]);
    const stream = new Stream(new PassThrough());
    expect(stream.maxBufferSize).toBe(core.MAX_BUFFER_SIZE);
    stream.destroy();
  },
  '`DEFAULT_BATCH_SIZE`, `DEFAULT_BATCH_TIMEOUT`, `DEFAULT_COMPRESSION_LEVEL`': async () => {
    // Defined in @sluice/channel, which uses them; stream-core no longer exports them.
    for (const name of [
      'DEFAULT_BATCH_SIZE',
      'DEFAULT_BATCH_TIMEOUT',
      'DEFAULT_COMPRESSION_LEVEL',
    ]) {
      expect(core).not.toHaveProperty(name);
    }
  },
  '`STREAM_CHUNK_SIZE`': async () => {
    expect(core).not.toHaveProperty('STREAM_CHUNK_SIZE');
  },
};

describe('the README seed-mapping tables, each row run', () => {
  const all = [...rows('dockerpty'), ...rows('RPyC')];
  for (const seed of new Set(all)) {
    it(seed, async () => {
      const run = cases[seed];
      expect(run, `no case for the row ${seed}`).toBeDefined();
      await run!();
    });
  }

  it('every row of both tables has a case, and every case a row', () => {
    expect(all.length).toBeGreaterThan(20);
    expect(all.filter((seed) => !(seed in cases))).toEqual([]);
    expect(Object.keys(cases).filter((seed) => !all.includes(seed))).toEqual([]);
  });
});
