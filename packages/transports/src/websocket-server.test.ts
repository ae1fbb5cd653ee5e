// listenWebSocket({ server }): one port serving a page and WebSocket streams, over a real
// http.Server and https.Server the test owns; and the wss listener's handshake timeout.
import { once } from 'node:events';
import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer, get as httpsGet } from 'node:https';
import type { AddressInfo } from 'node:net';
import { BufferOverflowError, ConnectError, StreamClosedError } from '@sluice/stream-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { makeCa, type TestCa } from './compliance/certs.js';
import { silentClients } from './compliance/silent-clients.js';
import { connectWebSocket, listenWebSocket } from './websocket.js';

const decoder = new TextDecoder();
const PAGE = '<!doctype html><title>demo</title>';

/** An HTTP server of the caller's with its own page handler, listening on a free port. */
async function pageServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    if (request.url === '/') response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    else response.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

function fetchPage(url: string, options: { ca?: string } = {}): Promise<[number, string]> {
  return new Promise((resolve, reject) => {
    const onResponse = (response: IncomingMessage): void => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve([response.statusCode ?? 0, body]));
    };
    const request = url.startsWith('https:')
      ? httpsGet(url, { ca: options.ca }, onResponse)
      : get(url, onResponse);
    request.on('error', reject);
  });
}

const servers: Array<{ close: (cb?: () => void) => unknown; closeAllConnections?: () => void }> =
  [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('listenWebSocket({ server })', () => {
  it('serves the page and WebSocket streams on one port', async () => {
    const { server, port } = await pageServer();
    servers.push(server);
    await using listener = await listenWebSocket({ server, path: '/ws' });
    expect(listener.url).toBe(`ws://127.0.0.1:${port}/ws`);

    expect(await fetchPage(`http://127.0.0.1:${port}/`)).toEqual([200, PAGE]);
    const accepted = listener.accept();
    await using client = await connectWebSocket(listener.url);
    await using peer = await accepted;
    await client.writeAll('keys');
    expect(decoder.decode(await peer.readExactly(4))).toBe('keys');
    await peer.writeAll('screen');
    expect(decoder.decode(await client.readExactly(6))).toBe('screen');
    // The page still answers while a WebSocket is open on the same port.
    expect(await fetchPage(`http://127.0.0.1:${port}/`)).toEqual([200, PAGE]);
  });

  it('answers an upgrade to another path 404, unless another upgrade listener takes it', async () => {
    const { server, port } = await pageServer();
    servers.push(server);
    await using listener = await listenWebSocket({ server, path: '/ws' });
    const refused = await connectWebSocket(`ws://127.0.0.1:${port}/other`).catch((e) => e);
    expect(refused).toBeInstanceOf(ConnectError);
    expect(String(refused)).toContain('404');

    // The caller's own WebSocket endpoint on /other keeps working beside ours.
    const theirs = new WebSocketServer({ noServer: true });
    server.on('upgrade', (request, socket, head) => {
      if (request.url === '/other') {
        theirs.handleUpgrade(request, socket, head, (ws) => ws.send(Buffer.from('theirs')));
      }
    });
    await using other = await connectWebSocket(`ws://127.0.0.1:${port}/other`);
    expect(decoder.decode(await other.readExactly(6))).toBe('theirs');
    theirs.close();
    expect(listener.url).toMatch(/\/ws$/);
  });

  it('two listeners on two paths of one server: each takes its own, anything else is 404', async () => {
    const { server, port } = await pageServer();
    servers.push(server);
    await using terminal = await listenWebSocket({ server, path: '/ws' });
    await using view = await listenWebSocket({ server, path: '/view' });
    const [a, b] = [terminal.accept(), view.accept()];
    await using toTerminal = await connectWebSocket(`ws://127.0.0.1:${port}/ws`);
    await using toView = await connectWebSocket(`ws://127.0.0.1:${port}/view`);
    await using atTerminal = await a;
    await using atView = await b;
    await toTerminal.writeAll('t');
    await toView.writeAll('v');
    expect(decoder.decode(await atTerminal.readExactly(1))).toBe('t');
    expect(decoder.decode(await atView.readExactly(1))).toBe('v');
    const refused = await connectWebSocket(`ws://127.0.0.1:${port}/nothing`, {
      timeoutMs: 5000,
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConnectError);
    expect(String(refused)).toContain('404');
  });

  it('close() stops upgrades but leaves the caller’s server and accepted streams alone', async () => {
    const { server, port } = await pageServer();
    servers.push(server);
    const listener = await listenWebSocket({ server, path: '/ws' });
    const accepted = listener.accept();
    await using client = await connectWebSocket(listener.url);
    await using peer = await accepted;
    await listener.close();
    await expect(listener.accept()).rejects.toBeInstanceOf(StreamClosedError);
    expect(server.listening).toBe(true);
    expect(server.listenerCount('upgrade')).toBe(0);
    expect(await fetchPage(`http://127.0.0.1:${port}/`)).toEqual([200, PAGE]);
    await expect(connectWebSocket(`ws://127.0.0.1:${port}/ws`)).rejects.toBeInstanceOf(
      ConnectError,
    );
    await client.writeAll('still');
    expect(decoder.decode(await peer.readExactly(5))).toBe('still');
  });

  it('applies the same options as its own server (maxPayload, verifyClient)', async () => {
    const { server } = await pageServer();
    servers.push(server);
    await using listener = await listenWebSocket({
      server,
      maxPayload: 1024,
      verifyClient: (request) => request.headers.authorization === 'Bearer ok',
    });
    await expect(connectWebSocket(listener.url)).rejects.toThrow(/401/);
    const accepted = listener.accept();
    await using client = await connectWebSocket(listener.url, {
      headers: { authorization: 'Bearer ok' },
    });
    await using peer = await accepted;
    await client.writeAll(new Uint8Array(4096)).catch(() => undefined);
    await expect(peer.readExactly(1)).rejects.toBeInstanceOf(BufferOverflowError);
  });

  it('rejects options that belong to a server of its own', async () => {
    const { server } = await pageServer();
    servers.push(server);
    await expect(listenWebSocket({ server, port: 8080 })).rejects.toThrow(TypeError);
    await expect(listenWebSocket({ server, tls: {} })).rejects.toThrow(/tls/);
    // Without TLS there is no handshake to bound: the option would do nothing.
    await expect(listenWebSocket({ handshakeTimeoutMs: 1000 })).rejects.toThrow(/wss:/);
  });

  describe('over https', () => {
    let ca: TestCa;
    beforeAll(async () => {
      ca = await makeCa();
    });

    it('serves the page over https and wss:// streams on one port', async () => {
      const leaf = await ca.issue({ dnsNames: ['localhost'], ips: ['127.0.0.1'] });
      const server = createHttpsServer({ key: leaf.key, cert: leaf.cert }, (_request, response) =>
        response.end(PAGE),
      );
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      servers.push(server);
      const port = (server.address() as AddressInfo).port;
      await using listener = await listenWebSocket({ server, path: '/ws' });
      expect(listener.url).toBe(`wss://127.0.0.1:${port}/ws`);
      expect(await fetchPage(`https://127.0.0.1:${port}/`, { ca: ca.cert })).toEqual([200, PAGE]);
      const accepted = listener.accept();
      await using client = await connectWebSocket(listener.url, { ca: ca.cert });
      await using peer = await accepted;
      await peer.writeAll('secure');
      expect(decoder.decode(await client.readExactly(6))).toBe('secure');
    });
  });
});

describe('wss:// listener handshake timeout', () => {
  it('drops clients that never start their TLS handshake (300 clients, 1 s timeout)', async () => {
    const ca = await makeCa();
    const leaf = await ca.issue();
    await using listener = await listenWebSocket({
      tls: { key: leaf.key, cert: leaf.cert },
      handshakeTimeoutMs: 1000,
    });
    const clients = await silentClients(Number(new URL(listener.url).port), 300);
    try {
      // Generous against a loaded machine, far below the 120 s Node would otherwise allow.
      const deadline = AbortSignal.timeout(8000);
      await Promise.race([
        clients.allDropped,
        once(deadline, 'abort').then(() => {
          throw new Error(`only ${clients.dropped()} of 300 silent clients dropped after 8 s`);
        }),
      ]);
      expect(clients.dropped()).toBe(300);
    } finally {
      clients.destroy();
    }
  });
});
