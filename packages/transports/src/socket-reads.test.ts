import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ByteStream, type NodeBackedStream, Pump } from '@sluice/stream-core';
import { afterAll, describe, expect, it } from 'vitest';
import { portOf } from './compliance/ports.js';
import type { StreamListener } from './listener.js';
import { createUnixStream } from './seed.js';
import { listenTcp, SocketStream } from './socket.js';
import { listenUnix } from './unix.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-reads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

interface Transport {
  listen(): Promise<StreamListener>;
  connect(listener: StreamListener): Promise<NodeBackedStream>;
}

const transports: Record<string, Transport> = {
  tcp: {
    listen: () => listenTcp(),
    connect: (l) => SocketStream.connect('127.0.0.1', portOf(l)),
  },
  unix: {
    listen: () => listenUnix({ path: join(dir, `s${n++}`) }),
    connect: (l) => createUnixStream(l.url.slice('unix://'.length)),
  },
};

/** Reads `stream` as a channel does: each chunk taken the moment it arrives. */
function readEagerly(stream: ByteStream): {
  chunks: Uint8Array[];
  /** Resolves once `count` chunks have arrived. */
  arrived: (count: number) => Promise<void>;
} {
  const chunks: Uint8Array[] = [];
  const waiting: Array<{ count: number; resolve: () => void }> = [];
  stream.onReadiness(() => {
    if (stream.closed) return;
    const chunk = stream.read(1 << 20);
    if (chunk !== null && chunk.length > 0) chunks.push(chunk);
    for (const waiter of waiting.filter((w) => chunks.length >= w.count)) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  const arrived = (count: number): Promise<void> =>
    chunks.length >= count
      ? Promise.resolve()
      : new Promise((resolve) => waiting.push({ count, resolve }));
  return { chunks, arrived };
}

for (const [name, transport] of Object.entries(transports)) {
  describe(`${name}: reads straight into the reader's memory`, () => {
    it('on the connecting side and on the accepted side', async () => {
      const listener = await transport.listen();
      const [client, server] = await Promise.all([transport.connect(listener), listener.accept()]);
      for (const [reader, writer] of [
        [client, server],
        [server, client],
      ] as const) {
        const target = new Uint8Array(64);
        let asked = 0;
        expect(reader.readInto?.(() => (asked++ === 0 ? target : undefined))).toBe(true);
        const { chunks, arrived } = readEagerly(reader);
        // The first read's memory was chosen before readInto(); the second's is the target.
        await writer.writeAll('first');
        await arrived(1);
        await writer.writeAll('second');
        await arrived(2);
        expect(chunks.map((c) => Buffer.from(c).toString())).toEqual(['first', 'second']);
        expect(chunks[1]!.buffer).toBe(target.buffer);
        reader.readInto?.(undefined);
      }
      await Promise.all([client.close(), server.close(), listener.close()]);
    });

    it('relays 16 MiB through a Pump between two connections, every byte in order', async () => {
      const listener = await transport.listen();
      const [aOut, aIn] = await Promise.all([transport.connect(listener), listener.accept()]);
      const [bOut, bIn] = await Promise.all([transport.connect(listener), listener.accept()]);
      const data = randomBytes(16 * 1024 * 1024);
      const relay = new Pump(aIn, bOut).run();
      const sent = aOut.writeAll(data).then(() => aOut.closeWrite());
      const chunks: Buffer[] = [];
      for await (const chunk of bIn) {
        chunks.push(Buffer.from(chunk));
        // A slow reader now and then (the behaviour under test, not a wait for bytes): the
        // pump and both sockets must hold back, not lose.
        if (chunks.length % 64 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      }
      await Promise.all([sent, relay]);
      expect(Buffer.concat(chunks).equals(data)).toBe(true);
      await Promise.all([aOut.close(), aIn.close(), bOut.close(), bIn.close(), listener.close()]);
    });

    it('keeps what a client sent before its connection was accepted', async () => {
      const listener = await transport.listen();
      const client = await transport.connect(listener);
      // Small enough for the kernel's buffers: everything is sent before anyone accepts.
      const data = randomBytes(64 * 1024);
      await client.writeAll(data);
      await client.closeWrite();
      const server = await listener.accept();
      const chunks: Buffer[] = [];
      for await (const chunk of server) chunks.push(Buffer.from(chunk));
      expect(Buffer.concat(chunks).equals(data)).toBe(true);
      await Promise.all([client.close(), server.close(), listener.close()]);
    });
  });
}
