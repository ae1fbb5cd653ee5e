import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectError } from '@sluice/stream-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runComplianceSuite } from './compliance/index.js';
import { createUnixStream } from './seed.js';
import type { SocketStream } from './socket.js';
import { listenUnix } from './unix.js';

let dir: string;
let counter = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-unix-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fsPath = (): string => join(dir, `s${++counter}.sock`);
const abstractName = (): string => `\0sluice-test-${process.pid}-${++counter}`;

function unixSuite(label: string, makePath: () => string): void {
  runComplianceSuite(
    label,
    async () => {
      const path = makePath();
      const listener = await listenUnix({ path });
      const [client, server] = await Promise.all([createUnixStream(path), listener.accept()]);
      return {
        client,
        server,
        // Unix sockets have no reset: a crashed peer is one whose socket vanished mid-stream.
        crashPeer: () => {
          (server as SocketStream).socket.destroy();
        },
        cleanup: async () => {
          await Promise.all([client.close(), server.close(), listener.close()]);
        },
      };
    },
    {
      refusedConnect: () => createUnixStream(makePath()),
      silentPeer: async () => {
        const path = makePath();
        const listener = await listenUnix({ path });
        const client = await createUnixStream(path, { readTimeoutMs: 200 });
        const server = await listener.accept();
        client.socket.once('close', () => {
          void server.close();
          void listener.close();
        });
        return client;
      },
    },
  );
}

unixSuite('unix socket file', fsPath);
unixSuite('abstract unix socket', abstractName);

describe('unix listener', () => {
  it('names itself in its URL (unix:// for files, unix:@ for abstract names)', async () => {
    const path = fsPath();
    const a = await listenUnix({ path });
    expect(a.url).toBe(`unix://${path}`);
    const name = abstractName();
    const b = await listenUnix({ path: name });
    expect(b.url).toBe(`unix:@${name.slice(1)}`);
    await Promise.all([a.close(), b.close()]);
  });

  it('replaces a stale socket file left by a dead listener, and removes its file on close', async () => {
    const path = fsPath();
    // A listener killed without a chance to clean up leaves its socket file behind.
    const child = spawn(
      process.execPath,
      [
        '-e',
        `require('node:net').createServer().listen(process.argv[1], () => console.log('up'))`,
        path,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise((resolve) => child.stdout.once('data', resolve));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect((await stat(path)).isSocket()).toBe(true);
    await expect(createUnixStream(path)).rejects.toBeInstanceOf(ConnectError);

    const listener = await listenUnix({ path, mode: 0o600 });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const client = await createUnixStream(path);
    const server = await listener.accept();
    await client.writeAll('x');
    expect((await server.readExactly(1)).toString()).toBe('x');
    await Promise.all([client.close(), server.close()]);
    await listener.close();
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a path where a live listener is, or a file that is not a socket', async () => {
    const path = fsPath();
    const live = await listenUnix({ path });
    await expect(listenUnix({ path })).rejects.toThrow(/another process is listening/);
    await live.close();
    const file = join(dir, 'not-a-socket');
    await writeFile(file, 'precious');
    await expect(listenUnix({ path: file })).rejects.toThrow(/not a socket/);
    expect((await stat(file)).isFile()).toBe(true);
  });

  it('an abstract name in use is refused with ConnectError', async () => {
    const name = abstractName();
    const live = await listenUnix({ path: name });
    await expect(listenUnix({ path: name })).rejects.toBeInstanceOf(ConnectError);
    await live.close();
  });
});
