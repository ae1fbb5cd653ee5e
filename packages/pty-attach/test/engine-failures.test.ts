// Issue 17 items 6, 7, 10 and issue 13 item 5: what a broken, silent or refusing engine does
// to a session — each a typed error that keeps the engine's status and message, a bound on
// every answer before the streaming, one 'drain' listener per blocked output, and an exec of
// a missing command reported in result.error, not printed. Against a fake engine on a Unix
// socket, or the real engine where it is the real case.
import { Writable } from 'node:stream';
import { encodeFrame } from '@sluice/docker-demux';
import { ConnectionLostError, ProtocolError, TimeoutError } from '@sluice/stream-core';
import { dockerEngine } from '@sluice/test-env';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attach, EngineError, type EngineTimeouts, exec, resolveEngine } from '../src/index.js';
import { TestContainers } from './containers.js';
import { type FakeEngineRoutes, fakeEngine, inspectOf, json, upgraded } from './fake-engine.js';

/** A Writable that keeps what it is given (optionally slowly). */
function sink(options: { highWaterMark?: number; delayMs?: number } = {}): Writable & {
  text(): string;
} {
  const chunks: Buffer[] = [];
  const w = new Writable({
    highWaterMark: options.highWaterMark ?? 16 * 1024,
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      if (options.delayMs) setTimeout(cb, options.delayMs);
      else cb();
    },
  }) as Writable & { text(): string };
  w.text = () => Buffer.concat(chunks).toString('utf8');
  return w;
}

describe('a broken or silent engine (fake, on a Unix socket)', () => {
  it('inspect answering invalid JSON: ProtocolError, not a TypeError', async () => {
    await using fake = await fakeEngine({ 'GET /containers/*/json': json(200, 'not json{') });
    const { docker } = await resolveEngine({ host: fake.host });
    const failure = await attach(docker, 'c1', { stdin: null }).result.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProtocolError);
    expect((failure as Error).message).toMatch(/inspect container c1: .*not a JSON object/);
  });

  it('the engine closing a pending wait (ECONNRESET): ConnectionLostError', async () => {
    await using fake = await fakeEngine({
      'GET /containers/*/json': inspectOf('c1'),
      'UPGRADE /containers/*/attach': (socket) => {
        upgraded(socket);
        // The container "runs" until the wait is cut: then its output ends too.
        setTimeout(() => socket.end(), 200);
      },
      'POST /containers/*/wait': (req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
        setTimeout(() => req.socket.destroy(), 100);
      },
      'POST /containers/*/start': (_req, res) => {
        res.writeHead(204).end();
      },
    });
    const { docker } = await resolveEngine({ host: fake.host });
    const failure = await attach(docker, 'c1', {
      stdin: null,
      stdout: sink(),
      stderr: sink(),
    }).result.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConnectionLostError);
    expect((failure as Error).message).toMatch(/wait for container c1/);
  });

  it.each([
    ['inspect', { 'GET /containers/*/json': () => undefined }, { inspectMs: 200 }],
    [
      'the upgrade',
      {
        'GET /containers/*/json': inspectOf('c1'),
        'UPGRADE /containers/*/attach': () => undefined,
      },
      { upgradeMs: 200 },
    ],
    [
      'the wait registration',
      {
        'GET /containers/*/json': inspectOf('c1'),
        'UPGRADE /containers/*/attach': (s) => upgraded(s),
        'POST /containers/*/wait': () => undefined,
      },
      { waitMs: 200 },
    ],
  ] as [string, FakeEngineRoutes, EngineTimeouts][])(
    'an engine that never answers %s: TimeoutError after the configured bound',
    async (_what, routes, timeouts) => {
      await using fake = await fakeEngine(routes);
      const { docker } = await resolveEngine({ host: fake.host });
      const at = Date.now();
      const failure = await attach(docker, 'c1', { stdin: null, timeouts }).result.catch(
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(TimeoutError);
      expect((failure as TimeoutError).timeoutMs).toBe(200);
      expect(Date.now() - at).toBeLessThan(5_000);
    },
  );

  it('a bad timeout is a RangeError naming it', async () => {
    await using fake = await fakeEngine({});
    const { docker } = await resolveEngine({ host: fake.host });
    await expect(attach(docker, 'c1', { timeouts: { inspectMs: -1 } }).result).rejects.toThrow(
      /timeouts\.inspectMs/,
    );
  });

  it('one chunk of many frames into a slow output: one drain listener, no MaxListenersExceededWarning', async () => {
    const frames = Buffer.concat(
      Array.from({ length: 400 }, (_, i) => encodeFrame(1, `line ${i}\n`)),
    );
    await using fake = await fakeEngine({
      'GET /containers/*/json': inspectOf('c1', { running: true }),
      'UPGRADE /containers/*/attach': (socket) => {
        upgraded(socket);
        socket.end(frames);
      },
      'POST /containers/*/wait': json(200, { StatusCode: 0 }),
    });
    const { docker } = await resolveEngine({ host: fake.host });
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w);
    };
    process.on('warning', onWarning);
    const stdout = sink({ highWaterMark: 1, delayMs: 1 });
    let most = 0;
    const watch = setInterval(() => {
      most = Math.max(most, stdout.listenerCount('drain'));
    }, 1);
    try {
      const result = await attach(docker, 'c1', { stdin: null, stdout, stderr: sink() }).result;
      expect(result).toEqual({ exitCode: 0, detached: false });
    } finally {
      clearInterval(watch);
      process.off('warning', onWarning);
    }
    expect(stdout.text()).toBe(Array.from({ length: 400 }, (_, i) => `line ${i}\n`).join(''));
    // Ours, plus at most the one `finished()` waits on at the end.
    expect(most).toBeLessThanOrEqual(2);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });
});

const engine = await dockerEngine();

describe.skipIf(!engine.available)('refusals of the real engine', () => {
  const docker = engine.available ? engine.value : (undefined as never);
  const containers = new TestContainers(docker);
  let stopped = '';
  let running = '';
  beforeAll(async () => {
    stopped = await containers.create(['true']);
    running = await containers.running();
  });
  afterAll(() => containers.removeAll());

  it.each([
    ['attach', () => attach(docker, 'sluice-no-such-container', { stdin: null }).result],
    ['exec', () => exec(docker, 'sluice-no-such-container', ['true'], { stdin: null }).result],
  ])(
    '%s to a container that does not exist: EngineError 404 with the engine message',
    async (_op, go) => {
      const failure = await go().catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(EngineError);
      expect((failure as EngineError).statusCode).toBe(404);
      expect((failure as EngineError).detail).toMatch(
        /No such container: sluice-no-such-container/,
      );
    },
  );

  it('exec in a stopped container: EngineError 409 with the engine message', async () => {
    const failure = await exec(docker, stopped, ['true'], { stdin: null }).result.catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(EngineError);
    expect((failure as EngineError).statusCode).toBe(409);
    expect((failure as EngineError).detail).toMatch(/is not running/);
  });

  it.each([false, true])(
    'exec of a missing command (tty %s): 127, the reason in result.error, nothing on stdout',
    async (tty) => {
      const stdout = sink();
      const stderr = sink();
      const result = await exec(docker, running, ['sluice-no-such-command'], {
        stdin: null,
        stdout,
        stderr,
        tty,
      }).result;
      expect(result.exitCode).toBe(127);
      expect(result.error?.message).toMatch(/executable file not found/);
      expect(stdout.text()).toBe('');
      expect(stderr.text()).toBe('');
    },
  );

  it('an exec whose output really starts like the failure text still gets it (only delayed)', async () => {
    const stdout = sink();
    const result = await exec(docker, running, ['echo', 'OCI runtime exec failed? no'], {
      stdin: null,
      stdout,
      stderr: sink(),
    }).result;
    expect(result).toEqual({ exitCode: 0, detached: false });
    expect(stdout.text()).toBe('OCI runtime exec failed? no\n');
  });
});

describe("a caller's dockerode settings reach this package's own requests", () => {
  it('the modem version prefixes the attach, and its timeout bounds it', async () => {
    const Docker = (await import('dockerode')).default;
    await using fake = await fakeEngine({
      'GET /containers/*/json': inspectOf('c1'),
      'UPGRADE /containers/*/attach': () => undefined,
    });
    const docker = new Docker({
      socketPath: fake.host.slice('unix://'.length),
      version: 'v1.41',
      timeout: 300,
    });
    const failure = await attach(docker, 'c1', { stdin: null }).result.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TimeoutError);
    expect((failure as TimeoutError).timeoutMs).toBe(300);
    expect(fake.requests.some((r) => r.startsWith('POST /v1.41/containers/c1/attach?'))).toBe(true);
  });
});
