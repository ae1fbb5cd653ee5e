// Issue 13, defect 3: a select-driven loop blocks until progress is possible and yields to
// the event loop between passes. Driven against a real TCP peer that stops reading, then
// reads again: the loop must sleep while it is stalled and move every byte once it resumes.
import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Pump, type Selectable, Stream, select } from '../src/index.js';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

// A real peer on 127.0.0.1 that does not read until `resume()`; `received` resolves with the
// digest and length of everything it got, once the client ended its side.
async function stalledPeer(): Promise<{
  client: Stream;
  resume(): void;
  received: Promise<{ bytes: number; digest: string }>;
}> {
  const server: Server = createServer({ allowHalfOpen: true });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const socket = connect({ port: (server.address() as { port: number }).port, host: '127.0.0.1' });
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const peer = await accepted;
  peer.pause();
  const hash = createHash('sha256');
  let bytes = 0;
  const received = new Promise<{ bytes: number; digest: string }>((resolve) => {
    peer.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    peer.on('end', () => resolve({ bytes, digest: hash.digest('hex') }));
  });
  peer.pause();
  const client = new Stream(socket);
  closers.push(
    () => void server.close(),
    () => void peer.destroy(),
    () => client.destroy(),
  );
  return { client, resume: () => peer.resume(), received };
}

// Writes until the client's writable is full (the peer's kernel buffers included).
async function fill(client: Stream, block: Buffer): Promise<number> {
  let written = 0;
  for (let i = 0; i < 20_000 && client.readyToWrite(); i++) {
    written += client.write(block) ?? 0;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return written;
}

const digest = (parts: Buffer[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

describe('select() on a stalled real TCP peer (issue 13, defect 3)', () => {
  it('a ready select resolves from a macrotask: an always-ready loop lets timers run', async () => {
    const always: Selectable = {
      readyToRead: () => true,
      readyToWrite: () => true,
      onReadiness: () => () => {},
    };
    let fired = false;
    setTimeout(() => {
      fired = true;
    }, 5);
    const started = Date.now();
    let passes = 0;
    while (!fired && Date.now() - started < 3000) {
      await select([always], [always], 1000);
      passes++;
    }
    expect(fired).toBe(true);
    expect(passes).toBeGreaterThan(0);
  });

  it("the seed's write loop and a pump loop sleep while the peer is stalled (< 5% of a core), then move every byte", async () => {
    const writer = await stalledPeer();
    const pumped = await stalledPeer();
    const block = randomBytes(64 * 1024);
    const sent: Buffer[] = [];
    const firstBytes = await fill(writer.client, block);
    for (let n = 0; n < firstBytes; n += block.length) sent.push(block);
    expect(writer.client.readyToWrite()).toBe(false);
    expect(writer.client.needsWrite() || writer.client.underlying.writableLength > 0).toBe(true);

    // The pump's source always has data; its destination is the second stalled peer.
    const payload = randomBytes(8 * 1024 * 1024);
    const source = Stream.fromPair(Readable.from([payload]), new PassThrough());
    const pump = new Pump(source, pumped.client);
    closers.push(() => source.destroy());

    // Passes that moved nothing: a spinning loop makes millions of them.
    let idleWrites = 0;
    let idleFlushes = 0;
    let stop = false;
    // dockerpty: `while s.needs_write(): select([], [s]); s.do_write()`.
    // A loop that spins on microtasks would starve the timers below: stop it, and fail.
    let passes = 0;
    const spun = (): void => {
      if (++passes > 10_000) throw new Error('the select loop spun 10,000 times');
    };
    const quiet = (e: unknown): void => {
      if (!stop) throw e;
    };
    const writeLoop = (async () => {
      while (!stop || writer.client.needsWrite()) {
        const [, writable] = await select([], [writer.client], 200);
        spun();
        if (writable.length === 0 || writer.client.doWrite() === 0) idleWrites++;
        if (stop && !writer.client.needsWrite()) break;
      }
    })().catch(quiet);
    // dockerpty's pump loop: `select([pump], [])`, then `pump.flush()`.
    const pumpLoop = (async () => {
      while (!pump.isDone()) {
        const [readable] = await select(
          [pump].filter((p) => !p.eof),
          [],
          200,
        );
        if (readable.length === 0) idleFlushes++;
        for (const p of readable) if (p.flush(64 * 1024) === 0) idleFlushes++;
      }
    })().catch(quiet);

    closers.push(() => {
      stop = true;
    });
    // Two seconds stalled: the loops must sleep.
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const cpu = process.cpuUsage(cpuBefore);
    const wall = performance.now() - wallBefore;
    const share = (cpu.user + cpu.system) / 1000 / wall;
    expect(passes).toBeLessThan(10_000);
    expect(share).toBeLessThan(0.05);
    // Idle passes are bounded by the 200 ms timeouts, not by how fast a loop can spin.
    expect(idleWrites).toBeLessThan(30);
    expect(idleFlushes).toBeLessThan(30);

    // The peers read again: every byte arrives, in order.
    stop = true;
    writer.resume();
    pumped.resume();
    await Promise.all([writeLoop, pumpLoop]);
    await writer.client.closeWrite();
    const [gotWritten, gotPumped] = await Promise.all([writer.received, pumped.received]);
    expect(gotWritten).toEqual({ bytes: firstBytes, digest: digest(sent) });
    expect(gotPumped).toEqual({ bytes: payload.length, digest: digest([payload]) });
  });
});
