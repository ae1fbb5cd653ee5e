import { readFile } from 'node:fs/promises';
import type { LookupFunction } from 'node:net';
import type { NodeBackedStream } from '@sluice/stream-core';
import { ConnectError, TimeoutError } from '@sluice/stream-core';
import { describe, expect, it, vi } from 'vitest';
import { startBlackhole } from './compliance/blackhole.js';
import { runComplianceSuite } from './compliance/index.js';
import { freePort, portOf } from './compliance/ports.js';
import { listenTcp, SocketStream } from './socket.js';

function tcpSuite(label: string, host: string, ipv6: boolean): void {
  runComplianceSuite(
    label,
    async () => {
      const listener = await listenTcp({ host });
      const [client, server] = await Promise.all([
        SocketStream.connect(host, portOf(listener), { ipv6 }),
        listener.accept(),
      ]);
      return {
        client,
        server,
        crashPeer: () => {
          (server as SocketStream).socket.resetAndDestroy();
        },
        cleanup: async () => {
          await Promise.all([client.close(), server.close(), listener.close()]);
        },
      };
    },
    {
      refusedConnect: async () => SocketStream.connect(host, await freePort(host), { ipv6 }),
      timedOutConnect: async () => {
        const hole = await startBlackhole(host);
        try {
          return await SocketStream.connect(host, hole.port, { ipv6, timeoutMs: 300 });
        } finally {
          await hole.stop();
        }
      },
      silentPeer: async () => {
        const listener = await listenTcp({ host });
        const client = await SocketStream.connect(host, portOf(listener), {
          ipv6,
          readTimeoutMs: 200,
        });
        const server = await listener.accept();
        client.socket.once('close', () => {
          void server.close();
          void listener.close();
        });
        return client;
      },
    },
  );
}

tcpSuite('tcp over IPv4 loopback', '127.0.0.1', false);
tcpSuite('tcp over IPv6 loopback', '::1', true);

/** The kernel's view of a TCP socket in /proc/net/tcp{,6}: its timer kind and expiry. */
async function kernelTimer(
  localPort: number,
): Promise<{ kind: number; ticks: number } | undefined> {
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(file, 'utf8')).split('\n').slice(1);
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (!local || Number.parseInt(local.split(':')[1] ?? '', 16) !== localPort) continue;
      const [kind, ticks] = (fields[5] ?? '').split(':');
      return { kind: Number.parseInt(kind ?? '', 16), ticks: Number.parseInt(ticks ?? '', 16) };
    }
  }
  return undefined;
}

describe('tcp socket options', () => {
  it('keepalive is armed in the kernel with the idle time asked for, and nodelay is set', async () => {
    const listener = await listenTcp();
    const stream = await SocketStream.connect('127.0.0.1', portOf(listener), {
      keepalive: { idleMs: 42_000, intervalMs: 7_000, count: 3 },
      nodelay: true,
    });
    const server = await listener.accept();
    try {
      const timer = await kernelTimer(stream.socket.localPort ?? 0);
      // Timer kind 2 is keepalive; its expiry (in USER_HZ ticks, 100/s) is the idle time.
      expect(timer?.kind).toBe(2);
      expect(timer?.ticks).toBeGreaterThan(40 * 100);
      expect(timer?.ticks).toBeLessThanOrEqual(42 * 100);
      const state = stream.socket as unknown as Record<symbol, unknown>;
      const value = (name: string): unknown =>
        state[Object.getOwnPropertySymbols(state).find((s) => s.description === name) as symbol];
      expect(value('kSetNoDelay')).toBe(true);
      expect(value('kSetKeepAlive')).toBe(true);
    } finally {
      await Promise.all([stream.close(), server.close(), listener.close()]);
    }
  });

  it('without keepalive no keepalive timer runs', async () => {
    const listener = await listenTcp();
    const stream = await SocketStream.connect('127.0.0.1', portOf(listener), { nodelay: false });
    const server = await listener.accept();
    try {
      const timer = await kernelTimer(stream.socket.localPort ?? 0);
      expect(timer?.kind).toBe(0);
    } finally {
      await Promise.all([stream.close(), server.close(), listener.close()]);
    }
  });
});

describe('tcp dual-stack', () => {
  // A name with an IPv6 and an IPv4 address, as most hosts have; only IPv4 listens.
  const dualStack: LookupFunction = (_name, options, callback) => {
    const all = [
      { address: '::1', family: 6 },
      { address: '127.0.0.1', family: 4 },
    ].filter((a) => !options.family || a.family === options.family);
    if (options.all) (callback as (e: null, a: typeof all) => void)(null, all);
    else callback(null, all[0]?.address ?? '', all[0]?.family ?? 4);
  };

  it('by default tries every address of a name, so an IPv4-only server is reached', async () => {
    const listener = await listenTcp({ host: '127.0.0.1' });
    const port = portOf(listener);
    const stream = await SocketStream.connect('dual.test', port, { lookup: dualStack });
    expect(stream.socket.remoteAddress).toBe('127.0.0.1');
    const server = await listener.accept();
    // ipv6: true keeps to the IPv6 address, where nobody listens.
    await expect(
      SocketStream.connect('dual.test', port, { lookup: dualStack, ipv6: true }),
    ).rejects.toBeInstanceOf(ConnectError);
    await Promise.all([stream.close(), server.close(), listener.close()]);
  });
});

describe('tcp timeouts', () => {
  it('read-idle time counts only while our reader has nothing buffered', async () => {
    const listener = await listenTcp();
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    try {
      const client = await SocketStream.connect('127.0.0.1', portOf(listener), {
        readTimeoutMs: 100,
      });
      const server = await listener.accept();
      await server.writeAll('unread');
      expect(await client.poll(5000)).toBe(true);
      // Ten timeouts' worth of silence, but the bytes wait on us, not on the peer.
      vi.advanceTimersByTime(1000);
      expect(client.socket.destroyed).toBe(false);
      expect(client.read(100)?.toString()).toBe('unread');
      // Now we wait on the peer, and it stays silent.
      vi.advanceTimersByTime(200);
      const failure = await client.readExactly(1).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(TimeoutError);
      expect((failure as TimeoutError).timeoutMs).toBe(100);
      await Promise.all([client.close(), server.close()]);
    } finally {
      vi.useRealTimers();
      await listener.close();
    }
  });

  it('a peer that stops reading fails the writer with TimeoutError after writeTimeoutMs', async () => {
    const listener = await listenTcp();
    const client = await SocketStream.connect('127.0.0.1', portOf(listener), {
      writeTimeoutMs: 200,
      readTimeoutMs: 0,
    });
    // The server never reads: its buffer, then both kernel buffers fill, then nothing moves.
    const server = await listener.accept();
    const chunk = new Uint8Array(256 * 1024);
    let failure: unknown;
    for (let sent = 0; sent < 256 * 1024 * 1024 && failure === undefined; sent += chunk.length) {
      failure = await client.writeAll(chunk).then(
        () => undefined,
        (error: unknown) => error,
      );
    }
    expect(failure).toBeInstanceOf(TimeoutError);
    expect((failure as TimeoutError).timeoutMs).toBe(200);
    expect((failure as Error).message).toMatch(/write timeout/);
    await Promise.all([client.close(), server.close(), listener.close()]);
  });
});

describe('tcp listener', () => {
  it('hands out connections in order, by accept() and by iteration, and rejects after close', async () => {
    const listener = await listenTcp();
    const port = portOf(listener);
    const a = await SocketStream.connect('127.0.0.1', port);
    await a.writeAll('a');
    const first = await listener.accept();
    expect((await first.readExactly(1)).toString()).toBe('a');
    const b = await SocketStream.connect('127.0.0.1', port);
    await b.writeAll('b');
    const seen: NodeBackedStream[] = [];
    for await (const stream of listener) {
      seen.push(stream);
      break;
    }
    expect((await seen[0]?.readExactly(1))?.toString()).toBe('b');
    await listener.close();
    await listener.close();
    await expect(listener.accept()).rejects.toThrow('listener has been closed');
    await expect(SocketStream.connect('127.0.0.1', port)).rejects.toBeInstanceOf(ConnectError);
    await Promise.all([a.close(), b.close(), first.close(), ...seen.map((s) => s.close())]);
  });

  it('refuses to listen on a port in use with a ConnectError', async () => {
    const listener = await listenTcp();
    await expect(listenTcp({ port: portOf(listener) })).rejects.toBeInstanceOf(ConnectError);
    await listener.close();
  });

  it('an aborted connect rejects with the abort reason', async () => {
    const listener = await listenTcp();
    const controller = new AbortController();
    controller.abort(new Error('changed my mind'));
    await expect(
      SocketStream.connect('127.0.0.1', portOf(listener), { signal: controller.signal }),
    ).rejects.toThrow('changed my mind');
    await listener.close();
  });
});
