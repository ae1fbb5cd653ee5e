// 64 MiB one way through sluice's tcp, tls and unix streams, against the limit: the same
// bytes through a raw `net`/`tls` socket pair written with drain and read with 'data'
// events. sluice sends with `writeAll` and reads by async iteration.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import {
  createServer as createNetServer,
  connect as netConnect,
  type Server,
  type Socket,
} from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { pathToFileURL } from 'node:url';
import type { NodeBackedStream } from '@sluice/stream-core';
import {
  createSslStream,
  createUnixStream,
  listenTcp,
  listenTls,
  listenUnix,
  SocketStream,
  type StreamListener,
} from '@sluice/transports';
import type { BenchCase, BenchSuite } from '../harness.js';
import { nodeSend, sluiceSend, TOTAL } from '../transfer.js';

// Chunks as they arrived (async iteration hands out the buffered chunks themselves: no copy).
// `read(n)` would join several buffered chunks into one new buffer when n spans them.
const iterators = new WeakMap<NodeBackedStream, AsyncIterator<Uint8Array>>();
async function sluiceReceive(stream: NodeBackedStream): Promise<void> {
  let it = iterators.get(stream);
  if (!it) {
    it = stream[Symbol.asyncIterator]();
    iterators.set(stream, it);
  }
  let got = 0;
  while (got < TOTAL) {
    const next = await it.next();
    if (next.done) throw new Error('stream ended early');
    got += next.value.length;
  }
}

function rawReceive(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    let got = 0;
    const onData = (chunk: Buffer): void => {
      got += chunk.length;
      if (got >= TOTAL) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
  });
}

/** A self-signed certificate for localhost, made with the openssl CLI. */
function selfSigned(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Endpoints {
  /** sluice: a listener and a connect to it. */
  sluice: () => Promise<{ listener: StreamListener; client: NodeBackedStream }>;
  /** the limit: a raw server and a raw client socket to it. */
  raw: () => Promise<{ server: Server; client: Socket; accepted: Promise<Socket> }>;
}

function transportCase(name: string, endpoints: Endpoints): BenchCase {
  let listener: StreamListener;
  let client: NodeBackedStream;
  let server: NodeBackedStream;
  let rawServer: Server;
  let rawClient: Socket;
  let rawPeer: Socket;
  return {
    name: `${name}, 64 MiB one way`,
    bytes: TOTAL,
    goal: { limit: 0.9 },
    setupEachRound: true,
    setup: async () => {
      ({ listener, client } = await endpoints.sluice());
      server = await listener.accept();
      const raw = await endpoints.raw();
      rawServer = raw.server;
      rawClient = raw.client;
      rawPeer = await raw.accepted;
    },
    sluice: async () => {
      await Promise.all([sluiceSend(client), sluiceReceive(server)]);
    },
    limit: async () => {
      await Promise.all([nodeSend(rawClient), rawReceive(rawPeer)]);
    },
    teardown: async () => {
      await Promise.all([client.close(), server.close(), listener.close()]);
      rawClient.destroy();
      rawPeer.destroy();
      rawServer.close();
    },
  };
}

async function listening(server: Server, listen: (done: () => void) => void): Promise<void> {
  await new Promise<void>((resolve) => listen(resolve));
  server.on('error', () => {});
}

function portOf(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

function acceptedFrom(server: Server, event: 'connection' | 'secureConnection'): Promise<Socket> {
  return once(server, event).then(([socket]) => socket as Socket);
}

const tcp = transportCase('tcp://127.0.0.1', {
  sluice: async () => {
    const listener = await listenTcp();
    const client = await SocketStream.connect('127.0.0.1', Number(new URL(listener.url).port));
    return { listener, client };
  },
  raw: async () => {
    const server = createNetServer({ noDelay: true });
    const accepted = acceptedFrom(server, 'connection');
    await listening(server, (done) => server.listen(0, '127.0.0.1', done));
    const client = netConnect({ port: portOf(server), host: '127.0.0.1', noDelay: true });
    await once(client, 'connect');
    return { server, client, accepted };
  },
});

let tlsCredentials: { key: string; cert: string } | undefined;
const credentials = (): { key: string; cert: string } => {
  tlsCredentials ??= selfSigned();
  return tlsCredentials;
};

const tls = transportCase('tls://127.0.0.1 (TLS 1.3)', {
  sluice: async () => {
    const { key, cert } = credentials();
    const listener = await listenTls({ key, cert });
    const client = await createSslStream('127.0.0.1', Number(new URL(listener.url).port), {
      ca: cert,
      servername: 'localhost',
    });
    return { listener, client };
  },
  raw: async () => {
    const { key, cert } = credentials();
    const server = createTlsServer({ key, cert });
    const accepted = acceptedFrom(server, 'secureConnection');
    await listening(server, (done) => server.listen(0, '127.0.0.1', done));
    const client: TLSSocket = tlsConnect({
      port: portOf(server),
      host: '127.0.0.1',
      ca: cert,
      servername: 'localhost',
    });
    await once(client, 'secureConnect');
    client.setNoDelay(true);
    return { server, client, accepted };
  },
});

let unixDir: string | undefined;
const socketPath = (name: string): string => {
  unixDir ??= mkdtempSync(join(tmpdir(), 'sluice-bench-unix-'));
  return join(unixDir, name);
};

const unix = transportCase('unix socket', {
  sluice: async () => {
    const path = socketPath('sluice.sock');
    const listener = await listenUnix({ path });
    const client = await createUnixStream(path);
    return { listener, client };
  },
  raw: async () => {
    const path = socketPath('raw.sock');
    const server = createNetServer();
    const accepted = acceptedFrom(server, 'connection');
    await listening(server, (done) => server.listen(path, done));
    const client = netConnect({ path });
    await once(client, 'connect');
    return { server, client, accepted };
  },
});

export const suite: BenchSuite = { name: 'transports', cases: [tcp, tls, unix] };

/** Median of a list of numbers. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? 0;
}

/**
 * `node dist/suites/transports.js`: the same cases measured interleaved (sluice, limit,
 * sluice, …) with medians, and the CPU time each side spends per 64 MiB — figures that hold
 * up better than back-to-back timing on a machine shared with other work.
 */
async function interleaved(rounds: number): Promise<void> {
  console.log(
    '| case | sluice MiB/s (median) | limit MiB/s (median) | ratio | CPU ms / 64 MiB sluice | limit | CPU ratio |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const c of suite.cases) {
    await c.setup?.();
    try {
      const wall: Record<'sluice' | 'limit', number[]> = { sluice: [], limit: [] };
      const cpu = { sluice: 0, limit: 0 };
      for (let round = -2; round < rounds; round++) {
        for (const side of ['sluice', 'limit'] as const) {
          const task = c[side];
          if (!task) continue;
          const cpu0 = process.cpuUsage();
          const t0 = performance.now();
          await task();
          const ms = performance.now() - t0;
          const used = process.cpuUsage(cpu0);
          if (round < 0) continue; // warm-up
          wall[side].push(64 / (ms / 1000));
          cpu[side] += (used.user + used.system) / 1000 / rounds;
        }
      }
      const s = median(wall.sluice);
      const l = median(wall.limit);
      console.log(
        `| ${c.name} | ${s.toFixed(0)} | ${l.toFixed(0)} | ${(s / l).toFixed(2)}x | ${cpu.sluice.toFixed(0)} | ${cpu.limit.toFixed(0)} | ${(cpu.limit / cpu.sluice).toFixed(2)}x |`,
      );
    } finally {
      await c.teardown?.();
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await interleaved(Number(process.env.BENCH_ROUNDS ?? 15));
}
