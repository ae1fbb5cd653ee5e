// The heart of a session without an engine: a fake engine on a loopback Unix socket, whose
// "container" speaks through docker-demux's MuxStream. Output apart per stream, the exit
// code from the wait, stdin EOF as a half-close (the engine still answers after it), the
// detach keys (the keys never reach the container, a held prefix is released), the output
// ending first ending the session at once, and backpressure from a slow output back to the
// engine's socket (bounded in between, every byte in order).
import { PassThrough, Readable, Writable } from 'node:stream';
import { MuxStream, STDERR, STDOUT } from '@sluice/docker-demux';
import { describe, expect, it } from 'vitest';
import { attach, resolveEngine } from '../src/index.js';
import { fakeEngine, inspectOf, json, upgraded } from './fake-engine.js';

function sink(delayMs = 0): Writable & { text(): string; bytes: number; chunks: Buffer[] } {
  const w = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _enc, cb) {
      w.chunks.push(chunk);
      w.bytes += chunk.length;
      if (delayMs) setTimeout(cb, delayMs);
      else cb();
    },
  }) as Writable & { text(): string; bytes: number; chunks: Buffer[] };
  w.chunks = [];
  w.bytes = 0;
  w.text = () => Buffer.concat(w.chunks).toString('utf8');
  return w;
}

const started = { 'POST /containers/*/start': json(204, '') };

describe('a session against a fake engine', () => {
  it('demultiplexes stdout and stderr apart and returns the exit status of the wait', async () => {
    await using fake = await fakeEngine({
      'GET /containers/*/json': inspectOf('c1'),
      'UPGRADE /containers/*/attach': (socket) => {
        upgraded(socket);
        const mux = new MuxStream();
        mux.pipe(socket);
        mux.writeFrame(STDOUT, 'out-1 ');
        mux.writeFrame(STDERR, 'err-1');
        mux.writeFrame(STDOUT, 'out-2');
        mux.end();
      },
      'POST /containers/*/wait': json(200, { StatusCode: 3 }),
      ...started,
    });
    const { docker } = await resolveEngine({ host: fake.host });
    const stdout = sink();
    const stderr = sink();
    const result = await attach(docker, 'c1', { stdin: null, stdout, stderr }).result;
    expect(result).toEqual({ exitCode: 3, detached: false });
    expect(stdout.text()).toBe('out-1 out-2');
    expect(stderr.text()).toBe('err-1');
    // Attach before start, the wait registered before start (as the CLI).
    const order = fake.requests.map((r) =>
      r.replace(/\?.*/, '').replace(/^(\w+) \/v[\d.]+/, '$1 '),
    );
    expect(order.indexOf('POST /containers/c1/attach')).toBeLessThan(
      order.indexOf('POST /containers/c1/start'),
    );
    expect(order.indexOf('POST /containers/c1/wait')).toBeLessThan(
      order.indexOf('POST /containers/c1/start'),
    );
  });

  it('stdin EOF is a half-close: the container reads to its end and still answers', async () => {
    await using fake = await fakeEngine({
      'GET /containers/*/json': inspectOf('c1', { openStdin: true }),
      'UPGRADE /containers/*/attach': (socket) => {
        upgraded(socket);
        const got: Buffer[] = [];
        socket.on('data', (d: Buffer) => got.push(d));
        socket.on('end', () => {
          const mux = new MuxStream();
          mux.pipe(socket);
          mux.writeFrame(STDOUT, `got:${Buffer.concat(got).toString()}`);
          mux.end();
        });
      },
      'POST /containers/*/wait': json(200, { StatusCode: 0 }),
      ...started,
    });
    const { docker } = await resolveEngine({ host: fake.host });
    const stdout = sink();
    const stdin = Readable.from([Buffer.from('hel'), Buffer.from('lo')]);
    const result = await attach(docker, 'c1', { stdin, stdout, stderr: sink() }).result;
    expect(result).toEqual({ exitCode: 0, detached: false });
    expect(stdout.text()).toBe('got:hello');
  });

  it('the detach keys end the session; they never reach the container, a mismatched prefix does', async () => {
    let got = '';
    await using fake = await fakeEngine({
      'GET /containers/*/json': inspectOf('c1', { tty: true, openStdin: true, running: true }),
      'UPGRADE /containers/*/attach': (socket) => {
        upgraded(socket);
        socket.on('data', (d: Buffer) => {
          got += d.toString('latin1');
          if (got.includes('ready')) socket.write('seen\r\n');
        });
      },
      // Registered (the head is sent), and the container never exits.
      'POST /containers/*/wait': (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
      },
      'POST /containers/*/resize': json(200, ''),
    });
    const { docker } = await resolveEngine({ host: fake.host });
    const stdin = new PassThrough();
    const stdout = sink();
    const session = attach(docker, 'c1', { stdin, stdout, size: { rows: 10, cols: 40 } });
    stdin.write('a\x10b');
    stdin.write('ready');
    while (!stdout.text().includes('seen')) await new Promise((r) => setTimeout(r, 5));
    stdin.write('\x10');
    stdin.write('\x11never');
    expect(await session.result).toEqual({ exitCode: 0, detached: true });
    expect(got).toBe('a\x10bready');
  });

  it('the output ending ends the session at once, even with stdin still open', async () => {
    await using fake = await fakeEngine({
      'GET /containers/*/json': inspectOf('c1', { openStdin: true }),
      'UPGRADE /containers/*/attach': (socket) => {
        upgraded(socket);
        const mux = new MuxStream();
        mux.pipe(socket);
        mux.end();
      },
      'POST /containers/*/wait': json(200, { StatusCode: 0 }),
      ...started,
    });
    const { docker } = await resolveEngine({ host: fake.host });
    const stdin = new PassThrough();
    const result = await attach(docker, 'c1', { stdin, stdout: sink(), stderr: sink() }).result;
    expect(result).toEqual({ exitCode: 0, detached: false });
    // The session let go of stdin.
    expect(stdin.listenerCount('data')).toBe(0);
  });

  it('a slow output holds the engine back: bounded in between, every byte in order', async () => {
    const total = 32 * 1024 * 1024;
    const block = Buffer.alloc(256 * 1024);
    for (let i = 0; i < block.length; i++) block[i] = i & 0xff;
    let sent = 0;
    let most = 0;
    const stdout = sink(2);
    await using fake = await fakeEngine({
      'GET /containers/*/json': inspectOf('c1', { tty: true }),
      'UPGRADE /containers/*/attach': (socket) => {
        upgraded(socket);
        const more = (): void => {
          while (sent < total) {
            most = Math.max(most, sent - stdout.bytes);
            sent += block.length;
            if (!socket.write(block)) {
              socket.once('drain', more);
              return;
            }
          }
          socket.end();
        };
        more();
      },
      'POST /containers/*/wait': json(200, { StatusCode: 0 }),
      'POST /containers/*/resize': json(200, ''),
      ...started,
    });
    const { docker } = await resolveEngine({ host: fake.host });
    const result = await attach(docker, 'c1', { stdin: null, stdout, size: { rows: 5, cols: 5 } })
      .result;
    expect(result).toEqual({ exitCode: 0, detached: false });
    expect(stdout.bytes).toBe(total);
    const all = Buffer.concat(stdout.chunks);
    for (let at = 0; at < total; at += block.length) {
      if (!all.subarray(at, at + block.length).equals(block))
        throw new Error(`bytes differ at ${at}`);
    }
    // Without backpressure the engine would be ~all of it ahead; with it, kernel buffers, the
    // stream's 1 MiB bound and the output's high-water mark. 16 MiB is a wide margin.
    expect(most).toBeLessThan(16 * 1024 * 1024);
  });
});
