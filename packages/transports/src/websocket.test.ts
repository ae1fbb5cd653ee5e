// WebSocket streams against real loopback sockets: the compliance suite over ws:// and wss://
// (with a CA and certificates made here), then what is particular to WebSocket.
import { once } from 'node:events';
import { request } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import {
  AuthenticationError,
  BufferOverflowError,
  ConnectError,
  ConnectionLostError,
  type NodeBackedStream,
  StreamClosedError,
  TimeoutError,
} from '@sluice/stream-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { makeCa, type TestCa } from './compliance/certs.js';
import { type ComplianceFixture, runComplianceSuite } from './compliance/index.js';
import type { StreamListener } from './listener.js';
import {
  connectWebSocket,
  listenWebSocket,
  type WebSocketConnectOptions,
  type WebSocketDuplex,
  type WebSocketListenOptions,
  webSocketStream,
} from './websocket.js';

const decoder = new TextDecoder();

/** Reads until end of stream. */
async function readToEnd(stream: NodeBackedStream): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const chunk of stream) parts.push(chunk);
  return decoder.decode(Buffer.concat(parts));
}

/** The error a read ends with, or undefined when it ends cleanly. */
async function readError(stream: NodeBackedStream): Promise<unknown> {
  try {
    await readToEnd(stream);
    return undefined;
  } catch (error) {
    return error;
  }
}

/** A TCP server that accepts and then says nothing at all. */
async function silentTcpServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const { port, close } = await silentTcpServer();
  await close();
  return port;
}

function serverDuplex(stream: NodeBackedStream): WebSocketDuplex {
  return stream.underlying as WebSocketDuplex;
}

async function pairOver(
  listenOptions: WebSocketListenOptions,
  connectOptions: WebSocketConnectOptions = {},
): Promise<ComplianceFixture & { listener: StreamListener }> {
  const listener = await listenWebSocket(listenOptions);
  const [client, server] = await Promise.all([
    connectWebSocket(listener.url, connectOptions),
    listener.accept(),
  ]);
  return {
    listener,
    client,
    server,
    // No close frame, just the TCP connection gone: what a crashed peer looks like.
    crashPeer: () => serverDuplex(server).socket.terminate(),
    cleanup: async () => {
      await Promise.allSettled([client.close(), server.close()]);
      await listener.close();
    },
  };
}

runComplianceSuite('ws', () => pairOver({}), {
  refusedConnect: async () => connectWebSocket(`ws://127.0.0.1:${await closedPort()}/`),
  timedOutConnect: async () => {
    const silent = await silentTcpServer();
    try {
      return await connectWebSocket(`ws://127.0.0.1:${silent.port}/`, { timeoutMs: 200 });
    } finally {
      await silent.close();
    }
  },
  silentPeer: async () => {
    const listener = await listenWebSocket();
    const client = await connectWebSocket(listener.url, { readTimeoutMs: 200 });
    const server = await listener.accept();
    // The server side stays open and quiet until the client gives up.
    client.underlying.once('close', () => {
      void server.close();
      void listener.close();
    });
    return client;
  },
});

describe('wss', () => {
  let ca: TestCa;
  let leaf: { cert: string; key: string; fingerprint256: string };
  beforeAll(async () => {
    ca = await makeCa();
    leaf = await ca.issue({ dnsNames: ['localhost'], ips: ['127.0.0.1'] });
  });

  runComplianceSuite(
    'wss',
    () => pairOver({ tls: { key: leaf.key, cert: leaf.cert } }, { ca: ca.cert }),
    {
      refusedConnect: async () =>
        connectWebSocket(`wss://127.0.0.1:${await closedPort()}/`, { ca: ca.cert }),
      timedOutConnect: async () => {
        const silent = await silentTcpServer();
        try {
          return await connectWebSocket(`wss://127.0.0.1:${silent.port}/`, {
            ca: ca.cert,
            timeoutMs: 200,
          });
        } finally {
          await silent.close();
        }
      },
    },
  );

  describe('certificate checks', () => {
    let listener: StreamListener;
    beforeAll(async () => {
      listener = await listenWebSocket({ tls: { key: leaf.key, cert: leaf.cert } });
      // Handshakes that fail never reach accept(); the ones that succeed are closed here.
      void (async () => {
        for await (const stream of listener) await stream.close();
      })();
    });
    afterAll(() => listener.close());

    it('rejects a server whose CA is not trusted', async () => {
      const foreign = await makeCa('foreign CA');
      await expect(connectWebSocket(listener.url, { ca: foreign.cert })).rejects.toBeInstanceOf(
        AuthenticationError,
      );
      // Nor is it trusted through the system store.
      await expect(connectWebSocket(listener.url)).rejects.toBeInstanceOf(AuthenticationError);
    });

    it('rejects a certificate for another host name', async () => {
      const other = await ca.issue({ dnsNames: ['other.test'], ips: [] });
      const wrong = await listenWebSocket({ tls: { key: other.key, cert: other.cert } });
      try {
        const error = await connectWebSocket(wrong.url, { ca: ca.cert }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AuthenticationError);
        expect(String(error)).toMatch(/127\.0\.0\.1|altname/i);
      } finally {
        await wrong.close();
      }
    });

    it('connects with a pinned fingerprint and rejects a different one', async () => {
      const ok = await connectWebSocket(listener.url, {
        ca: ca.cert,
        fingerprint256: leaf.fingerprint256,
      });
      await ok.close();
      const wrongPin = `${leaf.fingerprint256.slice(0, -2)}00`;
      const error = await connectWebSocket(listener.url, {
        ca: ca.cert,
        fingerprint256: wrongPin === leaf.fingerprint256 ? wrongPin.replace(/.$/, '1') : wrongPin,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(String(error)).toContain('fingerprint');
    });

    it('requires a client certificate signed by its CA when asked to (mutual TLS)', async () => {
      const mutual = await listenWebSocket({
        tls: { key: leaf.key, cert: leaf.cert, ca: ca.cert, requestCert: true },
      });
      try {
        const clientCert = await ca.issue({ usage: 'client', dnsNames: ['client.test'], ips: [] });
        const accepted = mutual.accept();
        const ok = await connectWebSocket(mutual.url, {
          ca: ca.cert,
          cert: clientCert.cert,
          key: clientCert.key,
        });
        const server = await accepted;
        await ok.writeAll('hi');
        expect(decoder.decode(await server.readExactly(2))).toBe('hi');
        await Promise.all([ok.close(), server.close()]);

        const without = await connectWebSocket(mutual.url, { ca: ca.cert }).catch(
          (e: unknown) => e,
        );
        expect(without).toBeInstanceOf(StreamErrorLike);
        const foreign = await (await makeCa('foreign client CA')).issue({ usage: 'client' });
        const signedElsewhere = await connectWebSocket(mutual.url, {
          ca: ca.cert,
          cert: foreign.cert,
          key: foreign.key,
        }).catch((e: unknown) => e);
        expect(signedElsewhere).toBeInstanceOf(StreamErrorLike);
      } finally {
        await mutual.close();
      }
    });
  });
});

/** Either typed refusal: TLS 1.3 reports a missing client certificate after the handshake. */
const StreamErrorLike = {
  [Symbol.hasInstance]: (value: unknown) =>
    value instanceof AuthenticationError ||
    value instanceof ConnectError ||
    value instanceof ConnectionLostError,
};

describe('WebSocket specifics', () => {
  it('maps close code 1000 to a clean end and other codes to ConnectionLostError', async () => {
    const clean = await pairOver({});
    try {
      await clean.server?.writeAll('bye');
      serverDuplex(clean.server as NodeBackedStream).socket.close(1000);
      expect(await readToEnd(clean.client)).toBe('bye');
    } finally {
      await clean.cleanup();
    }

    const abnormal = await pairOver({});
    try {
      serverDuplex(abnormal.server as NodeBackedStream).socket.close(4001, 'shutting down');
      const error = await readError(abnormal.client);
      expect(error).toBeInstanceOf(ConnectionLostError);
      expect(String(error)).toContain('4001');
      expect(String(error)).toContain('shutting down');
    } finally {
      await abnormal.cleanup();
    }
  });

  it('fails with BufferOverflowError on a message over maxPayload, and the sender sees 1009', async () => {
    const { client, server, cleanup } = await pairOver({}, { maxPayload: 1024 });
    try {
      await server?.writeAll(new Uint8Array(4096));
      expect(await readError(client)).toBeInstanceOf(BufferOverflowError);
      const senderError = await readError(server as NodeBackedStream);
      expect(senderError).toBeInstanceOf(ConnectionLostError);
      expect(String(senderError)).toContain('1009');
    } finally {
      await cleanup();
    }
  });

  it('splits large writes into messages of maxMessageSize, so a small maxPayload peer gets them all', async () => {
    const { client, server, cleanup } = await pairOver(
      { maxPayload: 16 * 1024 },
      { maxMessageSize: 16 * 1024 },
    );
    try {
      const data = Buffer.alloc(200 * 1024).map((_, i) => i % 251);
      await client.writeAll(data);
      const got = await (server as NodeBackedStream).readExactly(data.length);
      expect(Buffer.compare(got, data)).toBe(0);
    } finally {
      await cleanup();
    }
  });

  it('fails with TimeoutError when the peer stops answering pings', async () => {
    // A raw ws server that never answers pings (autoPong off) and sends nothing.
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', autoPong: false });
    await once(wss, 'listening');
    const address = wss.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const client = await connectWebSocket(`ws://127.0.0.1:${port}/`, {
        pingIntervalMs: 50,
        livenessTimeoutMs: 100,
      });
      const error = await readError(client);
      expect(error).toBeInstanceOf(TimeoutError);
      expect(String(error)).toMatch(/ping/);
      await client.close();
    } finally {
      wss.close();
    }
  });

  it('does not time out a peer whose pongs wait behind our own slow reader', async () => {
    const { client, server, cleanup } = await pairOver(
      {},
      { pingIntervalMs: 10, livenessTimeoutMs: 20 },
    );
    try {
      const total = 8 * 1024 * 1024;
      const sending = (server as NodeBackedStream).writeAll(new Uint8Array(total));
      // Our reader takes nothing until the socket is paused by backpressure…
      const socket = serverDuplex(client).socket;
      while (!socket.isPaused) await new Promise((resolve) => setImmediate(resolve));
      // …and then for many liveness periods: a pong cannot be read meanwhile, which must not
      // count as a dead peer. (This waits on purpose: it checks that nothing fires.)
      await new Promise((resolve) => setTimeout(resolve, 200));
      let got = 0;
      while (got < total) got += (await client.readExactly(Math.min(1 << 20, total - got))).length;
      await sending;
      expect(got).toBe(total);
    } finally {
      await cleanup();
    }
  });

  it('keeps a connection whose peer answers pings, with no data flowing', async () => {
    const { client, server, cleanup } = await pairOver(
      {},
      { pingIntervalMs: 20, livenessTimeoutMs: 200 },
    );
    try {
      let pongs = 0;
      serverDuplex(client).socket.on('pong', () => pongs++);
      while (pongs < 5) await once(serverDuplex(client).socket, 'pong');
      await server?.writeAll('still here');
      expect(decoder.decode(await client.readExactly(10))).toBe('still here');
    } finally {
      await cleanup();
    }
  });

  it('answers a refused upgrade with a typed error (wrong path, verifyClient)', async () => {
    const listener = await listenWebSocket({
      path: '/stream',
      verifyClient: (req) => req.headers.authorization === 'Bearer ok',
    });
    try {
      const base = listener.url.replace(/\/stream$/, '');
      await expect(
        connectWebSocket(`${base}/other`, { headers: { authorization: 'Bearer ok' } }),
      ).rejects.toBeInstanceOf(ConnectError);
      await expect(connectWebSocket(listener.url)).rejects.toBeInstanceOf(AuthenticationError);
      const accepted = listener.accept();
      const ok = await connectWebSocket(listener.url, { headers: { authorization: 'Bearer ok' } });
      await Promise.all([ok.close(), (await accepted).close()]);
    } finally {
      await listener.close();
    }
  });

  it('wraps a WebSocket that another server upgraded (webSocketStream)', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(wss, 'listening');
    const address = wss.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
      const client = await connectWebSocket(`ws://127.0.0.1:${port}/`);
      const [socket] = await accepted;
      const server = webSocketStream(socket);
      await client.writeAll('through your server');
      await client.closeWrite();
      expect(await readToEnd(server)).toBe('through your server');
      await Promise.all([client.close(), server.close()]);
      expect(() => webSocketStream(socket)).toThrow(ConnectError);
    } finally {
      wss.close();
    }
  });

  it('gives up a connect when its signal aborts', async () => {
    const silent = await silentTcpServer();
    try {
      const controller = new AbortController();
      const connecting = connectWebSocket(`ws://127.0.0.1:${silent.port}/`, {
        signal: controller.signal,
      });
      controller.abort(new Error('user gave up'));
      await expect(connecting).rejects.toThrow('user gave up');
      await expect(
        connectWebSocket(`ws://127.0.0.1:${silent.port}/`, { signal: controller.signal }),
      ).rejects.toThrow('user gave up');
    } finally {
      await silent.close();
    }
  });

  it('listens and connects over IPv6 loopback, with the address bracketed in the URL', async () => {
    const listener = await listenWebSocket({ host: '::1', path: '/v6' });
    try {
      expect(listener.url).toMatch(/^ws:\/\/\[::1\]:\d+\/v6$/);
      const accepted = listener.accept();
      const client = await connectWebSocket(listener.url);
      const server = await accepted;
      await client.writeAll('six');
      expect(decoder.decode(await server.readExactly(3))).toBe('six');
      await Promise.all([client.close(), server.close()]);
    } finally {
      await listener.close();
    }
  });

  it('rejects URLs that are not ws:// or wss://', async () => {
    await expect(connectWebSocket('http://127.0.0.1:1/')).rejects.toBeInstanceOf(ConnectError);
  });

  it('answers plain HTTP with 426 instead of hanging', async () => {
    const listener = await listenWebSocket();
    try {
      const status = await new Promise<number | undefined>((resolve, reject) => {
        request(listener.url.replace(/^ws/, 'http'), (response) => {
          response.resume();
          resolve(response.statusCode);
        })
          .on('error', reject)
          .end();
      });
      expect(status).toBe(426);
    } finally {
      await listener.close();
    }
  });

  it('listener: close() rejects a waiting accept(), ends iteration, and keeps accepted streams open', async () => {
    const listener = await listenWebSocket();
    const client = await connectWebSocket(listener.url);
    const server = await listener.accept();
    const waiting = listener.accept();
    const iterated: NodeBackedStream[] = [];
    const iteration = (async () => {
      for await (const stream of listener) iterated.push(stream);
    })();
    await listener.close();
    await listener.close();
    await expect(waiting).rejects.toBeInstanceOf(StreamClosedError);
    await iteration;
    expect(iterated).toEqual([]);
    await expect(listener.accept()).rejects.toBeInstanceOf(StreamClosedError);
    await expect(connectWebSocket(listener.url, { timeoutMs: 2000 })).rejects.toBeInstanceOf(
      ConnectError,
    );
    // The connection accepted before close() still works both ways.
    await client.writeAll('ping');
    expect(decoder.decode(await server.readExactly(4))).toBe('ping');
    await Promise.all([client.close(), server.close()]);
  });
});
