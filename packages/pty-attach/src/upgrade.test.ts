// The upgrade against a fake engine on a real Unix socket that answers as an engine would (or
// would not): 101 with stream bytes in the same write, errors with a length, chunked or
// close-delimited body — including one that never ends (capped at 1 MiB, issue 17 item 5) —
// a hang-up, an engine that never answers (TimeoutError), and what the request looks like on
// the wire (no body bytes for attach).
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtocolError, TimeoutError } from '@sluice/stream-core';
import { afterEach, describe, expect, it } from 'vitest';
import { type EngineConnector, endpointConnector } from './connector.js';
import { UpgradeError } from './errors.js';
import { requestText } from './request-text.js';
import { upgrade } from './upgrade.js';

const servers: net.Server[] = [];
const sockets: net.Socket[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
  for (const s of sockets.splice(0)) s.destroy();
});

/** A server that records the request and answers with `reply` (then maybe more). */
async function engine(
  reply: (socket: net.Socket, request: string) => void,
): Promise<{ path: string; request: Promise<string> }> {
  const path = join(mkdtempSync(join(tmpdir(), 'sluice-upgrade-')), 'engine.sock');
  let got!: (r: string) => void;
  const request = new Promise<string>((resolve) => {
    got = resolve;
  });
  const server = net.createServer((socket) => {
    sockets.push(socket);
    let text = '';
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => {
      const before = text.includes('\r\n\r\n');
      text += d.toString('latin1');
      if (!before && text.includes('\r\n\r\n')) {
        got(text);
        reply(socket, text);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { path, request };
}

const connector = (path: string): EngineConnector => ({
  ...endpointConnector({ kind: 'unix', path }),
  prefix: '/v1.41',
  headers: {},
  timeoutMs: undefined,
});

const open = (path: string, timeoutMs?: number) =>
  upgrade(
    connector(path),
    requestText(
      { method: 'POST', path: '/containers/abc/attach?stream=1&stdin=1', upgrade: true },
      '/v1.41',
      {},
    ),
    timeoutMs,
  );

/** Writes `body()` chunks for as long as the client reads them. */
function flood(socket: net.Socket, chunk: Buffer): void {
  const more = (): void => {
    while (!socket.destroyed && socket.write(chunk));
    if (!socket.destroyed) socket.once('drain', more);
  };
  more();
}

describe('upgrade', () => {
  it('sends the upgrade with no body bytes; the bytes after the 101 come first, then the stream', async () => {
    const { path, request } = await engine((socket) => {
      socket.write(
        'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nApi-Version: 1.41\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nhello',
      );
      socket.end(' world');
    });
    const hijacked = await open(path);
    expect(hijacked.contentType).toBe('application/vnd.docker.raw-stream');
    expect(hijacked.apiVersion).toBe('1.41');
    const chunks: Buffer[] = [hijacked.first];
    for await (const chunk of hijacked.stream) chunks.push(Buffer.from(chunk));
    expect(Buffer.concat(chunks).toString()).toBe('hello world');
    const sent = await request;
    expect(sent.startsWith('POST /v1.41/containers/abc/attach?stream=1&stdin=1 HTTP/1.1\r\n')).toBe(
      true,
    );
    expect(sent).toContain('Content-Length: 0\r\n');
    expect(sent.endsWith('\r\n\r\n')).toBe(true);
  });

  it('fails with the CLI text and the engine message on any other status', async () => {
    const body = '{"message":"Container abc is paused, unpause the container before exec"}';
    const { path } = await engine((socket) => {
      socket.write(`HTTP/1.1 409 Conflict\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    });
    const failure = open(path);
    await expect(failure).rejects.toThrow(UpgradeError);
    await expect(failure).rejects.toThrow(
      'unable to upgrade to tcp, received 409: Container abc is paused, unpause the container before exec',
    );
  });

  it('reads a chunked error body, split anywhere', async () => {
    const { path } = await engine((socket) => {
      socket.write('HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n');
      socket.write('b\r\n{"message":\r');
      socket.write('\nb\r\n"no such"}\r\n0\r\n\r\n');
    });
    await expect(open(path)).rejects.toThrow('unable to upgrade to tcp, received 404: no such');
  });

  it.each([
    [
      'chunked',
      'Transfer-Encoding: chunked\r\n',
      Buffer.from(`10000\r\n${'x'.repeat(0x10000)}\r\n`),
    ],
    ['a huge Content-Length', 'Content-Length: 99999999999\r\n', Buffer.alloc(65536, 'x')],
    ['delimited by the close', '', Buffer.alloc(65536, 'x')],
  ])(
    'an error body that never ends (%s) is capped at 1 MiB: UpgradeError, memory bounded',
    async (_name, header, chunk) => {
      const { path } = await engine((socket) => {
        socket.write(`HTTP/1.1 500 Internal Server Error\r\n${header}\r\n`);
        flood(socket, chunk);
      });
      const before = process.memoryUsage().rss;
      const failure = await open(path).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(UpgradeError);
      expect((failure as UpgradeError).statusCode).toBe(500);
      expect((failure as UpgradeError).message).toMatch(/received 500: x+ … \(cut\)$/);
      expect((failure as UpgradeError).message.length).toBeLessThan(5000);
      // 1 MiB kept at most, plus the socket's buffers; 64 MiB is a wide margin on a busy machine.
      expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    },
  );

  it('fails with ProtocolError when the engine hangs up without a reply', async () => {
    const { path } = await engine((socket) => socket.end());
    await expect(open(path)).rejects.toThrow(ProtocolError);
  });

  it('fails with ProtocolError on something that is not HTTP', async () => {
    const { path } = await engine((socket) => socket.write('SSH-2.0-nope\r\n\r\n'));
    await expect(open(path)).rejects.toThrow(ProtocolError);
  });

  it('an engine that accepts and never answers: TimeoutError after the upgrade timeout', async () => {
    const { path } = await engine(() => undefined);
    const at = Date.now();
    const failure = await open(path, 300).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TimeoutError);
    expect((failure as TimeoutError).timeoutMs).toBe(300);
    expect(Date.now() - at).toBeLessThan(5_000);
  });

  it('a slow reader gets every byte in order (the stream pauses the socket, nothing lost)', async () => {
    const total = 8 * 1024 * 1024;
    const { path } = await engine((socket) => {
      socket.write('HTTP/1.1 101 UPGRADED\r\n\r\n');
      socket.end(Buffer.alloc(total, 7));
    });
    const hijacked = await open(path);
    let received = hijacked.first.length;
    let slow = 0;
    for await (const chunk of hijacked.stream) {
      received += chunk.length;
      if (chunk.some((b) => b !== 7)) throw new Error('corrupted chunk');
      if (slow++ < 20) await new Promise((r) => setTimeout(r, 5));
    }
    expect(received).toBe(total);
  });
});
