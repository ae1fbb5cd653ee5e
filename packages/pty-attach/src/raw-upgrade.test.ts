// The hand-written upgrade against a real unix socket server that answers as an engine would
// (or would not): 101 with stream bytes in the same write, errors with a length or chunked
// body, a hang-up, and what the request looks like on the wire (no body bytes for attach).
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtocolError } from '@sluice/stream-core';
import { afterEach, describe, expect, it } from 'vitest';
import { UpgradeError } from './errors.js';
import { rawUpgrade } from './raw-upgrade.js';
import { requestText } from './request-text.js';

const servers: net.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
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
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (text.includes('\r\n\r\n')) {
        got(text);
        reply(socket, text);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { path, request };
}

const upgrade = (path: string, body?: unknown) =>
  rawUpgrade({
    target: { path },
    address: `unix://${path}`,
    text: requestText(
      { method: 'POST', path: '/containers/abc/attach?stream=1&stdin=1', body, upgrade: true },
      '/v1.41',
      {},
    ),
  });

describe('rawUpgrade', () => {
  it('sends the upgrade with no body bytes and delivers bytes that came with the 101', async () => {
    const { path, request } = await engine((socket) => {
      socket.write(
        'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nApi-Version: 1.41\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nhello',
      );
      socket.end(' world');
    });
    const conn = await upgrade(path);
    expect(conn.contentType).toBe('application/vnd.docker.raw-stream');
    expect(conn.apiVersion).toBe('1.41');
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve) =>
      conn.consume((chunk) => {
        chunks.push(Buffer.from(chunk));
        return false;
      }, resolve),
    );
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
    const failure = upgrade(path);
    await expect(failure).rejects.toThrow(UpgradeError);
    await expect(failure).rejects.toThrow(
      'unable to upgrade to tcp, received 409: Container abc is paused, unpause the container before exec',
    );
  });

  it('reads a chunked error body', async () => {
    const { path } = await engine((socket) => {
      socket.write('HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n');
      socket.write('b\r\n{"message":\r\n');
      socket.write('b\r\n"no such"}\r\n0\r\n\r\n');
    });
    await expect(upgrade(path)).rejects.toThrow('unable to upgrade to tcp, received 404: no such');
  });

  it('fails with ProtocolError when the engine hangs up without a reply', async () => {
    const { path } = await engine((socket) => socket.end());
    await expect(upgrade(path)).rejects.toThrow(ProtocolError);
  });

  it('fails with ProtocolError on something that is not HTTP', async () => {
    const { path } = await engine((socket) => socket.write('SSH-2.0-nope\r\n\r\n'));
    await expect(upgrade(path)).rejects.toThrow(ProtocolError);
  });

  it('pauses and resumes reading for backpressure without losing bytes', async () => {
    const total = 8 * 1024 * 1024;
    const { path } = await engine((socket) => {
      socket.write('HTTP/1.1 101 UPGRADED\r\n\r\n');
      socket.end(Buffer.alloc(total, 7));
    });
    const conn = await upgrade(path);
    let received = 0;
    let pauses = 0;
    await new Promise<void>((resolve) =>
      conn.consume((chunk) => {
        received += chunk.length;
        if (chunk.some((b) => b !== 7)) throw new Error('corrupted chunk');
        if (pauses < 20) {
          pauses++;
          conn.pause();
          setImmediate(() => conn.resume());
        }
        return false;
      }, resolve),
    );
    expect(received).toBe(total);
    expect(pauses).toBe(20);
  });
});
