// Issue 17 item 2, driven as the attacker did, with default options on both sides: a peer
// that announces a 300 MiB WebSocket message is refused at its frame header with
// BufferOverflowError and close code 1009, the victim's pending read settles at once, and a
// frame sent in the same packet as the 101 cannot crash the client.
import { BufferOverflowError } from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import { closeCode, frameHeader, rawClient, rawServer, readUntil } from './compliance/raw-ws.js';
import { within } from './compliance/within.js';
import { connectWebSocket, listenWebSocket } from './websocket.js';

const HUGE = 300 * 1024 * 1024;
const BINARY = 0x2;

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('WebSocket maxPayload with default options', () => {
  it('a listener refuses a 300 MiB message at its header: BufferOverflowError and 1009', async () => {
    const rssBefore = process.memoryUsage().rss;
    await using listener = await listenWebSocket();
    const accepted = listener.accept();
    const attacker = await rawClient(Number(new URL(listener.url).port));
    try {
      await using victim = await accepted;
      const reading = failureOf(victim.readExactly(1));
      // Only the header: the server must not wait for (or make room for) the body.
      attacker.write(frameHeader(BINARY, HUGE, true));
      const code = await within(
        5000,
        'close frame from the listener',
        readUntil(attacker, closeCode),
      );
      expect(code).toBe(1009);
      expect(await within(5000, 'the victim’s read to fail', reading)).toBeInstanceOf(
        BufferOverflowError,
      );
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
    } finally {
      attacker.destroy();
    }
  });

  it('a client’s pending read fails at once with BufferOverflowError, not after 30 s', async () => {
    const server = await rawServer((socket, response) => socket.write(response));
    try {
      const client = await connectWebSocket(`ws://127.0.0.1:${server.port}/`);
      const started = performance.now();
      const reading = failureOf(client.readExactly(1));
      const attacker = server.sockets[0];
      if (!attacker) throw new Error('the raw server saw no connection');
      attacker.write(frameHeader(BINARY, HUGE, false));
      expect(await within(5000, 'the pending read to fail', reading)).toBeInstanceOf(
        BufferOverflowError,
      );
      // ws's close handshake would have held it for 30 s.
      expect(performance.now() - started).toBeLessThan(5000);
      expect(
        await within(5000, 'close frame from the client', readUntil(attacker, closeCode)),
      ).toBe(1009);
      await client.close();
    } finally {
      await server.close();
    }
  });

  it('an oversized frame in the same packet as the 101 fails the client, never the process', async () => {
    const server = await rawServer((socket, response) =>
      socket.write(
        Buffer.concat([Buffer.from(response, 'latin1'), frameHeader(BINARY, HUGE, false)]),
      ),
    );
    try {
      // Either the connect or the first read reports it; an unhandled 'error' would crash.
      const outcome = await within(
        5000,
        'the client to report the oversized frame',
        connectWebSocket(`ws://127.0.0.1:${server.port}/`).then(
          (client) => failureOf(client.readExactly(1)),
          (error: unknown) => error,
        ),
      );
      expect(outcome).toBeInstanceOf(BufferOverflowError);
    } finally {
      await server.close();
    }
  });
});
