// A real connected pair of Unix domain sockets (through a listening socket in a temp
// directory that is removed again), for tests that need kernel buffers and file descriptors.
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Options of `unixSocketPair`. */
export interface SocketPairOptions {
  /** Keep each side writable after the peer ends (half-close). Default true. */
  allowHalfOpen?: boolean;
}

/** Two connected `net.Socket`s over a Unix domain socket: `[client, server]`. */
export async function unixSocketPair(options: SocketPairOptions = {}): Promise<[Socket, Socket]> {
  const allowHalfOpen = options.allowHalfOpen ?? true;
  const dir = mkdtempSync(join(tmpdir(), 'sluice-pair-'));
  const path = join(dir, 's');
  const server = createServer({ allowHalfOpen });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, resolve);
    });
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
    const client = createConnection({ path, allowHalfOpen });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('error', reject);
    });
    return [client, await accepted];
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
