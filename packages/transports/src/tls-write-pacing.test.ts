// A bulk writer over TLS is paced at the TLS socket's high-water mark, as a raw TLS writer
// waiting for 'drain' is: bytes held past the mark are encrypted on this thread ahead of
// need (the transports benchmark's TLS case lost a third of its speed to that). And it writes
// after a 'drain' once the emit returned, as that writer does, so the reader runs in between.
import type { TLSSocket } from 'node:tls';
import type { NodeBackedStream } from '@sluice/stream-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CertAndKey, makeCa } from './compliance/certs.js';
import { portOf } from './compliance/ports.js';
import type { StreamListener } from './listener.js';
import { connectTls, listenTls, type TlsStream } from './tls.js';

const CHUNK = 64 * 1024;
const CHUNKS = 128; // 8 MiB

let serverCert: CertAndKey;
let caCert: string;
beforeAll(async () => {
  const ca = await makeCa();
  caCert = ca.cert;
  serverCert = await ca.issue({ dnsNames: ['localhost'], usage: 'server' });
});

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function tlsPair(): Promise<{ client: TlsStream; server: NodeBackedStream }> {
  const listener: StreamListener = await listenTls({ key: serverCert.key, cert: serverCert.cert });
  const [client, server] = await Promise.all([
    connectTls('127.0.0.1', portOf(listener), { ca: caCert, servername: 'localhost' }),
    listener.accept(),
  ]);
  cleanup = async () => {
    await Promise.all([client.close(), server.close(), listener.close()]);
  };
  return { client, server };
}

async function drainAll(stream: NodeBackedStream, total: number): Promise<number> {
  let got = 0;
  for await (const chunk of stream) {
    got += chunk.length;
    if (got >= total) break;
  }
  return got;
}

/** Runs `send` once per chunk; returns the most the TLS socket held after any of them. */
async function mostHeld(socket: TLSSocket, send: () => Promise<void>): Promise<number> {
  let most = 0;
  for (let i = 0; i < CHUNKS; i++) {
    await send();
    most = Math.max(most, socket.writableLength);
  }
  return most;
}

/** The most writes the TLS socket got within one turn of the event loop while `run` ran. */
async function mostWritesPerTurn(socket: TLSSocket, run: () => Promise<void>): Promise<number> {
  const counted = socket as TLSSocket & { _write: (...args: unknown[]) => void };
  const write = counted._write.bind(counted);
  let writes = 0;
  counted._write = (...args) => {
    writes++;
    write(...args);
  };
  let most = 0;
  let running = true;
  const turn = (): void => {
    most = Math.max(most, writes);
    writes = 0;
    if (running) setImmediate(turn);
  };
  setImmediate(turn);
  await run();
  running = false;
  return Math.max(most, writes);
}

describe('TLS write pacing', () => {
  it('writeAll waits at the TLS socket high-water mark instead of running ahead of it', async () => {
    const { client, server } = await tlsPair();
    const payload = Buffer.alloc(CHUNK, 0x5a);
    const received = drainAll(server, CHUNK * CHUNKS);
    const held = await mostHeld(client.socket, () => client.writeAll(payload));
    expect(await received).toBe(CHUNK * CHUNKS);
    // At most one chunk past the mark: each write goes when the socket is below its mark.
    // Running ahead, the socket held up to maxBufferSize (1 MiB) within one turn of the loop.
    expect(held).toBeLessThanOrEqual(client.socket.writableHighWaterMark + CHUNK);
  });

  it('a gathered write (writeAllv) is paced the same way', async () => {
    const { client, server } = await tlsPair();
    const header = Buffer.alloc(6, 1);
    const payload = Buffer.alloc(CHUNK, 0x5a);
    const total = (header.length + CHUNK) * CHUNKS;
    const received = drainAll(server, total);
    const held = await mostHeld(client.socket, () => client.writeAllv([header, payload]));
    expect(await received).toBe(total);
    expect(held).toBeLessThanOrEqual(client.socket.writableHighWaterMark + header.length + CHUNK);
  });

  it('writeAll lets the reader run between writes, as a writer awaiting drain does', async () => {
    const { client, server } = await tlsPair();
    const payload = Buffer.alloc(CHUNK, 0x5a);
    const received = drainAll(server, CHUNK * CHUNKS);
    const most = await mostWritesPerTurn(client.socket, async () => {
      for (let i = 0; i < CHUNKS; i++) await client.writeAll(payload);
      await received;
    });
    // Written from inside 'drain', each write completed in the same pass of Node's
    // immediates as the one before until the kernel's buffer was full: 19 in one turn here.
    expect(most).toBeLessThanOrEqual(2);
  });
});
