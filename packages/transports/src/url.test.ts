import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectError, type NodeBackedStream } from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import { makeCa } from './compliance/certs.js';
import { freePort } from './compliance/ports.js';
import type { StreamListener } from './listener.js';
import { SocketStream } from './socket.js';
import { SubprocessStream } from './subprocess.js';
import { TlsStream } from './tls.js';
import { connect, listen, splitCommand, unixPath } from './url.js';

/** Listens on `listenUrl`, connects to the listener's own URL, and echoes one message. */
async function roundTrip(
  listenUrl: string,
  listenOptions = {},
  connectOptions = {},
): Promise<{ client: NodeBackedStream; listener: StreamListener }> {
  const listener = await listen(listenUrl, listenOptions);
  const [client, server] = await Promise.all([
    connect(listener.url, connectOptions),
    listener.accept(),
  ]);
  await client.writeAll('over the url');
  expect((await server.readExactly(12)).toString()).toBe('over the url');
  await Promise.all([client.close(), server.close(), listener.close()]);
  return { client, listener };
}

describe('connect() / listen() by URL', () => {
  it('tcp:// on IPv4 and IPv6 (port 0 picks one; the listener URL has it)', async () => {
    const v4 = await roundTrip('tcp://127.0.0.1:0');
    expect(v4.listener.url).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(v4.client).toBeInstanceOf(SocketStream);
    const v6 = await roundTrip('tcp://[::1]');
    expect(v6.listener.url).toMatch(/^tcp:\/\/\[::1\]:\d+$/);
  });

  it('tls://', async () => {
    const ca = await makeCa();
    const leaf = await ca.issue();
    const { client } = await roundTrip(
      'tls://127.0.0.1:0',
      { key: leaf.key, cert: leaf.cert },
      { ca: ca.cert },
    );
    expect(client).toBeInstanceOf(TlsStream);
  });

  it('unix:///path and unix:@abstract', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-url-'));
    try {
      const path = join(dir, 'a.sock');
      expect((await roundTrip(`unix://${path}`)).listener.url).toBe(`unix://${path}`);
      const name = `sluice-url-${process.pid}`;
      expect((await roundTrip(`unix:@${name}`)).listener.url).toBe(`unix:@${name}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('ws:// and wss:// (path kept)', async () => {
    const ws = await roundTrip('ws://127.0.0.1:0/sluice');
    expect(ws.listener.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/sluice$/);
    const ca = await makeCa();
    const leaf = await ca.issue();
    const wss = await roundTrip(
      'wss://127.0.0.1:0/',
      { key: leaf.key, cert: leaf.cert },
      { ca: ca.cert, fingerprint256: [leaf.fingerprint256] },
    );
    expect(wss.listener.url).toMatch(/^wss:/);
  });

  it('ssh:// reaches the SSH tunnel (a refused SSH server is a ConnectError)', async () => {
    const port = await freePort();
    await expect(connect(`ssh://nobody@127.0.0.1:${port}/127.0.0.1:9`)).rejects.toBeInstanceOf(
      ConnectError,
    );
  });

  it('exec:command args', async () => {
    const stream = await connect('exec:sh -c \'printf "%s|" "$@"\' sh one \'two words\'');
    expect(stream).toBeInstanceOf(SubprocessStream);
    const chunks: Uint8Array[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe('one|two words|');
    await stream.close();
  });

  it('anything else is a clear ConnectError naming what is supported', async () => {
    await expect(connect('http://example.test/')).rejects.toThrow(/unsupported scheme.*tcp:\/\//);
    await expect(connect('nonsense')).rejects.toBeInstanceOf(ConnectError);
    await expect(connect('tcp://127.0.0.1')).rejects.toThrow(/no port/);
    await expect(connect('unix:relative/path')).rejects.toThrow(/absolute path/);
    await expect(listen('exec:cat')).rejects.toThrow(/cannot listen/);
    await expect(listen('tls://127.0.0.1:0')).rejects.toThrow(/needs a certificate/);
    await expect(listen('wss://127.0.0.1:0')).rejects.toThrow(/needs a certificate/);
    await expect(listen('ssh://a@b/c:1')).rejects.toThrow(/cannot listen/);
  });

  it('parses command lines and unix paths', () => {
    expect(splitCommand(`  a "b c" 'd "e"' f\\ g ""`)).toEqual(['a', 'b c', 'd "e"', 'f g', '']);
    expect(() => splitCommand('a "b')).toThrow(ConnectError);
    expect(unixPath('unix:///tmp/x%20y.sock')).toBe('/tmp/x y.sock');
    expect(unixPath('unix:/tmp/x.sock')).toBe('/tmp/x.sock');
    expect(unixPath('unix:@name')).toBe('\0name');
  });
});
