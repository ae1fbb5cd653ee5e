// Issue 13 item 7 and its friction: options that would do nothing are refused by name, the
// seed's TLS keywords (`keyfile`, `certfile`, `ca_certs`) are honoured, and the error classes
// come from this package too.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import * as core from '@sluice/stream-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCa, type TestCa } from './compliance/certs.js';
import * as transports from './index.js';
import {
  connect,
  connectSsh,
  connectSshExec,
  connectSshTunnel,
  connectTcp,
  connectTls,
  connectUnix,
  connectWebSocket,
  createSslStream,
  listen,
  listenTcp,
  listenTls,
  listenUnix,
  listenWebSocket,
  PipeStream,
  spawnStream,
} from './index.js';

/** Calls `f` as a JavaScript caller would, without TypeScript's excess-property check. */
const loose =
  (f: unknown): ((...args: unknown[]) => Promise<unknown>) =>
  async (...args) =>
    (f as (...a: unknown[]) => unknown)(...args);

describe('unknown options', () => {
  const ssh = { host: '127.0.0.1', port: 1, username: 'u' };
  const cases: Array<[string, () => Promise<unknown>, RegExp]> = [
    ['connectTcp', () => loose(connectTcp)('127.0.0.1', 1, { timeout: 5 }), /"timeout"/],
    ['listenTcp', () => loose(listenTcp)({ prot: 0 }), /"prot"/],
    ['connectTls', () => loose(connectTls)('127.0.0.1', 1, { cafile: 'x' }), /"cafile"/],
    ['listenTls', () => loose(listenTls)({ key: 'k', cert: 'c', verify: true }), /"verify"/],
    ['connectUnix', () => loose(connectUnix)('/tmp/x.sock', { retries: 3 }), /"retries"/],
    ['listenUnix', () => loose(listenUnix)({ path: '/tmp/x.sock', perms: 0o600 }), /"perms"/],
    [
      'connectWebSocket',
      () => loose(connectWebSocket)('ws://127.0.0.1:1/', { maxPayloads: 1 }),
      /"maxPayloads"/,
    ],
    ['listenWebSocket', () => loose(listenWebSocket)({ paht: '/x' }), /"paht"/],
    [
      'connectSsh',
      () => loose(connectSsh)({ ...ssh, target: { host: 'h', port: 1 }, key: 'k' }),
      /"key"/,
    ],
    [
      'connectSshTunnel',
      () => loose(connectSshTunnel)('ssh://u@127.0.0.1:1/h:1', { identity: 'k' }),
      /"identity"/,
    ],
    [
      'connectSshExec',
      () => loose(connectSshExec)({ ...ssh, command: 'cat', cmd: 'cat' }),
      /"cmd"/,
    ],
    ['spawnStream', () => loose(spawnStream)(['true'], { cwdir: '/' }), /"cwdir"/],
    [
      'PipeStream',
      async () =>
        new (PipeStream as never as new (...a: unknown[]) => unknown)(
          new PassThrough(),
          new PassThrough(),
          { hook: {} },
        ),
      /"hook"/,
    ],
    ['connect', () => loose(connect)('tcp://127.0.0.1:1', { bogus: 1 }), /unknown option "bogus"/],
  ];
  for (const [name, call, names] of cases) {
    it(`${name} refuses an unknown option with a TypeError naming it`, async () => {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect(String(error)).toMatch(names);
      expect(String(error)).toContain(name);
    });
  }

  it('connect() and listen() refuse an option of another scheme, and drop undefined ones', async () => {
    const error = await loose(connect)('tcp://127.0.0.1:1', { privateKey: 'k' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).toMatch(/"privateKey" does not apply to tcp/);
    await expect(loose(listen)('ws://127.0.0.1:0/', { mode: 0o600 })).rejects.toThrow(
      /"mode" does not apply to ws/,
    );
    // One options object built for any URL, with the others' fields left undefined, is fine.
    await using listener = await listen('tcp://127.0.0.1:0', {
      mode: undefined,
      backlog: 4,
    } as never);
    const accepted = listener.accept();
    await using client = await connect(listener.url, { privateKey: undefined, timeoutMs: 5000 });
    await (await accepted).close();
    expect(client).toBeDefined();
  });

  it('types the options of a literal URL by its scheme', () => {
    // Compile-time checks (the typecheck fails if an expected error is missing); not called.
    const never = (): void => {
      // @ts-expect-error privateKey is an ssh:// option, not a tcp:// one
      void connect('tcp://127.0.0.1:1', { privateKey: 'k' });
      // @ts-expect-error mode belongs to unix:// listeners
      void listen('ws://127.0.0.1:0/', { mode: 0o600 });
      void connect('ssh://u@h/db:5432', { privateKey: 'k' });
      void listen('unix:///tmp/x.sock', { mode: 0o600 });
      const anyUrl: string = 'tcp://127.0.0.1:1';
      void connect(anyUrl, { privateKey: undefined, timeoutMs: 1 });
    };
    expect(typeof never).toBe('function');
  });

  it('refuses options that are not an object', async () => {
    await expect(loose(connectTcp)('127.0.0.1', 1, 5000)).rejects.toThrow(TypeError);
  });
});

describe('createSslStream with the seed’s keywords', () => {
  let ca: TestCa;
  let dir: string;
  let files: { keyfile: string; certfile: string; ca_certs: string };
  beforeAll(async () => {
    ca = await makeCa();
    dir = await mkdtemp(join(tmpdir(), 'sluice-seed-tls-'));
    const client = await ca.issue({ usage: 'client', dnsNames: ['client.test'], ips: [] });
    files = {
      keyfile: join(dir, 'client.key'),
      certfile: join(dir, 'client.crt'),
      ca_certs: join(dir, 'ca.crt'),
    };
    await Promise.all([
      writeFile(files.keyfile, client.key),
      writeFile(files.certfile, client.cert),
      writeFile(files.ca_certs, ca.cert),
    ]);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads keyfile, certfile and ca_certs: mutual TLS as the seed example does it', async () => {
    const leaf = await ca.issue({ dnsNames: ['localhost'], ips: ['127.0.0.1'] });
    await using listener = await listenTls({
      key: leaf.key,
      cert: leaf.cert,
      ca: ca.cert,
      requireClientCert: true,
    });
    const port = Number(new URL(listener.url).port);
    const accepted = listener.accept();
    await using client = await createSslStream('127.0.0.1', port, files);
    await using server = (await accepted) as transports.TlsStream;
    expect(server.authorized).toBe(true);
    expect(server.peerCertificate.subject?.CN).toBe('client.test');
    await client.writeAll('seed');
    expect(Buffer.from(await server.readExactly(4)).toString()).toBe('seed');
    // Without them the server refuses us: the files really were used.
    const refused = await createSslStream('127.0.0.1', port, { ca_certs: files.ca_certs })
      .then(async (s) => s.readExactly(1))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(core.StreamError);
  });

  it('wss:// takes them too', async () => {
    const leaf = await ca.issue({ dnsNames: ['localhost'], ips: ['127.0.0.1'] });
    await using listener = await listenWebSocket({ tls: { key: leaf.key, cert: leaf.cert } });
    const accepted = listener.accept();
    await using client = await connectWebSocket(listener.url, { ca_certs: files.ca_certs });
    await using server = await accepted;
    await server.writeAll('ok');
    expect(Buffer.from(await client.readExactly(2)).toString()).toBe('ok');
  });

  it('both spellings of one is a TypeError; an unreadable file a ConnectError naming it', async () => {
    await expect(
      createSslStream('127.0.0.1', 1, { key: 'pem', keyfile: files.keyfile }),
    ).rejects.toThrow(/key.*keyfile.*not both/);
    const missing = join(dir, 'missing.crt');
    const error = await createSslStream('127.0.0.1', 1, { ca_certs: missing }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(core.ConnectError);
    expect(String(error)).toContain(missing);
  });
});

describe('error classes and the buffer constant re-exported', () => {
  it('are the very classes of stream-core', () => {
    expect(transports.StreamError).toBe(core.StreamError);
    expect(transports.ConnectError).toBe(core.ConnectError);
    expect(transports.ConnectionLostError).toBe(core.ConnectionLostError);
    expect(transports.TimeoutError).toBe(core.TimeoutError);
    expect(transports.AuthenticationError).toBe(core.AuthenticationError);
    expect(transports.BufferOverflowError).toBe(core.BufferOverflowError);
    expect(transports.ProtocolError).toBe(core.ProtocolError);
    expect(transports.StreamClosedError).toBe(core.StreamClosedError);
    expect(transports.MAX_BUFFER_SIZE).toBe(core.MAX_BUFFER_SIZE);
    expect(new transports.SshCommandError('x', { code: 1, signal: undefined }, '')).toBeInstanceOf(
      core.ConnectError,
    );
  });
});
