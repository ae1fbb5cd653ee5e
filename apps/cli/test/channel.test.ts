// Acceptance: `sluice serve` and `sluice connect`, the built command, over every transport
// URL: bytes round-trip intact (100 MB over TCP), connect half-closes at the end of stdin as
// netcat does, serve serves many connections at once, execs one process per connection and
// forwards ports.

import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRealPart, sshServer } from '@sluice/test-env';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './harness.js';
import { makeCertificates, type Served, serve } from './serve-harness.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const ssh = await sshServer();
// The test CA is made with the openssl command (as scripts/engines/docker-tls.sh does).
const openssl = await findRealPart('the openssl command (to make a test CA)', async () => {
  execFileSync('openssl', ['version'], { stdio: 'ignore' });
});

describe('sluice serve / connect', () => {
  let dir = '';
  const running: Served[] = [];
  const started = async (args: string[]): Promise<Served> => {
    const s = await serve(args);
    running.push(s);
    return s;
  };

  let key = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-cli-channel-'));
    key = join(dir, 'k');
    const made = await run('sluice', ['keygen', key]);
    expect(made.code, made.stderr).toBe(0);
  });
  afterAll(async () => {
    await Promise.all(running.map((s) => s.stop()));
    await rm(dir, { recursive: true, force: true });
  });

  it('tcp, port 0, --key-file: 100 MB through --exec cat come back intact', async () => {
    const s = await started(['tcp://127.0.0.1:0', '--key-file', key, '--exec', 'cat']);
    expect(s.url).toMatch(/^tcp:\/\/127\.0\.0\.1:[1-9]\d*$/);
    const data = randomBytes(100 * 1024 * 1024);
    const r = await run('sluice', ['connect', s.url, '--key-file', key], {
      input: data,
      timeoutMs: 60_000,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.length).toBe(data.length);
    expect(sha(r.stdout)).toBe(sha(data));
  });

  it('a wrong key: non-zero exit and one line saying the key does not match, on both sides', async () => {
    const other = join(dir, 'other-key');
    expect((await run('sluice', ['keygen', other])).code).toBe(0);
    const s = await started(['tcp://127.0.0.1:0', '--key-file', key, '--exec', 'cat']);
    const r = await run('sluice', ['connect', s.url, '--key-file', other], { input: 'secret' });
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toBe(
      "sluice: the key does not match the peer's (both sides need the same --key-file)\n",
    );
    // The server says so too, and goes on serving.
    await s.waitForStderr("the key does not match the peer's");
    const ok = await run('sluice', ['connect', s.url, '--key-file', key], { input: 'again' });
    expect(ok.stdout.toString()).toBe('again');
    // No key on one side: told, not garbage.
    const plain = await run('sluice', ['connect', s.url], { input: 'x' });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/^sluice: the peer starts an encrypted channel[^\n]*\n$/);
  });

  it('connect half-closes at the end of stdin: the peer sees EOF and can still answer', async () => {
    const s = await started(['tcp://127.0.0.1:0', '--exec', "sh -c 'wc -c; echo after-eof'"]);
    const r = await run('sluice', ['connect', s.url], { input: 'twelve bytes' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.toString().replace(/ +/g, '')).toBe('12\nafter-eof\n');
  });

  it('serves many connections at once, one process each', async () => {
    const s = await started([
      'tcp://127.0.0.1:0',
      '--exec',
      'sh -c \'read line; echo "$$:$line"\'',
    ]);
    const replies = await Promise.all(
      [1, 2, 3, 4].map((i) => run('sluice', ['connect', s.url], { input: `client${i}\n` })),
    );
    const lines = replies.map((r) => r.stdout.toString().trim());
    for (const [i, line] of lines.entries())
      expect(line).toMatch(new RegExp(`^\\d+:client${i + 1}$`));
    expect(new Set(lines.map((l) => l.split(':')[0])).size).toBe(4);
  });

  it('--echo and --forward HOST:PORT, with compression and batching', async () => {
    const echo = await started(['tcp://127.0.0.1:0', '--echo', '--compress', 'zstd', '--batch']);
    const text = 'compressible '.repeat(10_000);
    const r = await run('sluice', ['connect', echo.url, '--compress', 'zstd'], { input: text });
    expect(r.stdout.toString()).toBe(text);

    const upstream: Server = createServer({ allowHalfOpen: true }, (socket) => {
      socket.on('data', (c) => socket.write(Buffer.from(c.toString().toUpperCase())));
      socket.on('end', () => socket.end());
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    try {
      const port = (upstream.address() as { port: number }).port;
      const fwd = await started(['tcp://127.0.0.1:0', '--forward', `127.0.0.1:${port}`]);
      const f = await run('sluice', ['connect', fwd.url], { input: 'forwarded' });
      expect({ code: f.code, out: f.stdout.toString() }).toEqual({ code: 0, out: 'FORWARDED' });
    } finally {
      upstream.close();
    }
  });

  it('unix:// and unix:@abstract', async () => {
    for (const url of [`unix://${join(dir, 's.sock')}`, `unix:@sluice-cli-${process.pid}`]) {
      const s = await started([url, '--key-file', key, '--exec', 'cat']);
      expect(s.url).toBe(url);
      const data = randomBytes(1024 * 1024);
      const r = await run('sluice', ['connect', s.url, '--key-file', key], { input: data });
      expect(sha(r.stdout), url).toBe(sha(data));
    }
  });

  it.skipIf(!openssl.available)('tls:// and wss:// with a CA made here, and ws://', async () => {
    const { ca, cert, key: pem } = makeCertificates(dir);
    for (const url of [
      'tls://127.0.0.1:0',
      'wss://127.0.0.1:0/sluice',
      'ws://127.0.0.1:0/sluice',
    ]) {
      const tls = !url.startsWith('ws:');
      const s = await started([
        url,
        '--key-file',
        key,
        '--exec',
        'cat',
        ...(tls ? ['--cert', cert, '--key', pem] : []),
      ]);
      const data = randomBytes(1024 * 1024);
      const r = await run(
        'sluice',
        ['connect', s.url, '--key-file', key, ...(tls ? ['--ca', ca] : [])],
        { input: data },
      );
      expect(r.code, `${url}: ${r.stderr}`).toBe(0);
      expect(sha(r.stdout), url).toBe(sha(data));
    }
    // Without the CA the certificate does not verify: one line, non-zero.
    const s = await started(['tls://127.0.0.1:0', '--exec', 'cat', '--cert', cert, '--key', pem]);
    const r = await run('sluice', ['connect', s.url], { input: 'x' });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(r.stderr).toMatch(/^sluice: .*certificate/i);
  });

  it.skipIf(!ssh.available)('ssh://user@host:port/target:port through the test sshd', async () => {
    const server = ssh.available ? ssh.value : (undefined as never);
    const identity = join(dir, 'id');
    await writeFile(identity, server.privateKey, { mode: 0o600 });
    const s = await started(['tcp://127.0.0.1:0', '--key-file', key, '--exec', 'cat']);
    const target = new URL(s.url).host;
    const url = `ssh://${server.username}@${server.host}:${server.port}/${target}`;
    const data = randomBytes(1024 * 1024);
    const r = await run(
      'sluice',
      [
        'connect',
        url,
        '--key-file',
        key,
        '--identity',
        identity,
        '--known-hosts',
        server.knownHostsPath,
      ],
      {
        input: data,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(sha(r.stdout)).toBe(sha(data));
  });
});
