// A WebSocket peer written by hand over a raw TCP socket, for tests that play the attacker:
// frame headers that announce any length, a 101 and a frame in one packet, no ws library
// rules in the way (RFC 6455 sections 4 and 5).
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** The Sec-WebSocket-Accept value for a Sec-WebSocket-Key. */
export function acceptKey(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}

/** A frame header (FIN set) announcing `length` payload bytes; `masked` as a client sends. */
export function frameHeader(opcode: number, length: number, masked: boolean): Buffer {
  const mask = masked ? 0x80 : 0;
  let head: Buffer;
  if (length < 126) {
    head = Buffer.from([0x80 | opcode, mask | length]);
  } else if (length < 65536) {
    head = Buffer.alloc(4);
    head[0] = 0x80 | opcode;
    head[1] = mask | 126;
    head.writeUInt16BE(length, 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = 0x80 | opcode;
    head[1] = mask | 127;
    head.writeBigUInt64BE(BigInt(length), 2);
  }
  return masked ? Buffer.concat([head, randomBytes(4)]) : head;
}

/** Reads from `socket` until `test` finds what it wants in everything received so far. */
export async function readUntil<T>(
  socket: Socket,
  test: (received: Buffer) => T | undefined,
): Promise<T> {
  let received = Buffer.alloc(0);
  return new Promise<T>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      const found = test(received);
      if (found !== undefined) {
        done();
        resolve(found);
      }
    };
    const onEnd = (): void => {
      done();
      reject(new Error(`the connection ended first; received ${received.length} bytes`));
    };
    const done = (): void => {
      socket.off('data', onData).off('end', onEnd).off('close', onEnd);
    };
    socket.on('data', onData).once('end', onEnd).once('close', onEnd);
  });
}

/** The status code of the first close frame in `received` (after any HTTP head), if any. */
export function closeCode(received: Buffer): number | undefined {
  const headEnd = received.indexOf('\r\n\r\n');
  let at = headEnd < 0 ? 0 : headEnd + 4;
  while (at + 2 <= received.length) {
    const opcode = (received[at] as number) & 0x0f;
    const masked = ((received[at + 1] as number) & 0x80) !== 0;
    const length = (received[at + 1] as number) & 0x7f;
    if (length >= 126) return undefined; // no large frames expected here
    const payload = at + 2 + (masked ? 4 : 0);
    if (payload + length > received.length) return undefined;
    if (opcode === 0x8 && length >= 2) {
      const code = received.subarray(payload, payload + 2);
      if (masked) {
        const key = received.subarray(at + 2, at + 6);
        return (
          (((code[0] as number) ^ (key[0] as number)) << 8) |
          ((code[1] as number) ^ (key[1] as number))
        );
      }
      return code.readUInt16BE(0);
    }
    at = payload + length;
  }
  return undefined;
}

/** Connects to a WebSocket server and completes the opening handshake by hand. */
export async function rawClient(port: number, path = '/'): Promise<Socket> {
  const socket = netConnect(port, '127.0.0.1');
  await once(socket, 'connect');
  const key = randomBytes(16).toString('base64');
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const head = await readUntil(socket, (received) => {
    const end = received.indexOf('\r\n\r\n');
    return end < 0 ? undefined : received.subarray(0, end).toString('latin1');
  });
  if (!head.startsWith('HTTP/1.1 101')) throw new Error(`no upgrade: ${head.split('\r\n')[0]}`);
  return socket;
}

/**
 * A server that completes any WebSocket handshake by hand: `reply(socket, response)` gets the
 * 101 response text and decides what to send with it (in the same write, or later).
 */
export async function rawServer(
  reply: (socket: Socket, response: string) => void,
): Promise<{ port: number; sockets: Socket[]; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    void readUntil(socket, (received) => {
      const end = received.indexOf('\r\n\r\n');
      return end < 0 ? undefined : received.subarray(0, end).toString('latin1');
    }).then(
      (head) => {
        const key = /^sec-websocket-key:\s*(\S+)/im.exec(head)?.[1] ?? '';
        reply(
          socket,
          `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
        );
      },
      () => undefined,
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    sockets,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
