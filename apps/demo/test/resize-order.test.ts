// Keys typed right after a resize run at the new size: the container backend holds input
// until the engine has applied the resize (its resize is an HTTP call; the keys go down the
// attached stream at once, and a shell could read them first). The engine is reached through
// a proxy that holds each resize request back for 300 ms, as a loaded engine may.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerEngine, removeTestContainers, TEST_IMAGE, TEST_LABEL } from '@sluice/test-env';
import Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend.js';
import { startContainer } from '../src/container.js';

const OWNER = 'demo-resize-order';
const engine = await dockerEngine();

/** A unix socket in front of the engine's that delays every chunk carrying a resize request. */
function slowResizeProxy(upstream: string, path: string): Server {
  return createServer((client) => {
    const engineSide = connect(upstream);
    let sending = Promise.resolve();
    client.on('data', (chunk: Buffer) => {
      const delay = chunk.includes('/resize?') ? 300 : 0;
      sending = sending.then(() => new Promise<void>((resolve) => setTimeout(resolve, delay)));
      void sending.then(() => engineSide.write(chunk));
    });
    engineSide.pipe(client);
    client.on('close', () => engineSide.destroy());
    engineSide.on('close', () => client.destroy());
    client.on('error', () => undefined);
    engineSide.on('error', () => undefined);
  }).listen(path);
}

describe.skipIf(!engine.available)('container backend: resize, then keys', () => {
  let docker: Docker;
  let backend: Backend | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'sluice-resize-'));
  let proxy: Server | undefined;
  afterAll(async () => {
    await backend?.close();
    if (docker) await removeTestContainers(docker, OWNER);
    proxy?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a command typed right after each of 8 resizes prints the new size', async () => {
    if (!engine.available) return;
    docker = engine.value;
    const given = (docker.modem as { socketPath?: unknown }).socketPath;
    const socketPath = typeof given === 'string' ? given : '/var/run/docker.sock';
    proxy = slowResizeProxy(socketPath, join(dir, 'engine.sock'));
    let output = '';
    backend = await startContainer(
      new Docker({ socketPath: join(dir, 'engine.sock') }),
      {
        rows: 24,
        cols: 80,
        output: (chunk) => {
          output += Buffer.from(chunk).toString('latin1');
          return undefined;
        },
      },
      { image: TEST_IMAGE, command: ['/bin/sh'], labels: { [TEST_LABEL]: OWNER } },
    );
    const shown = async (pattern: RegExp): Promise<void> => {
      await expect.poll(() => pattern.test(output), { timeout: 15_000, interval: 20 }).toBe(true);
    };
    backend.write(Buffer.from('echo rea""dy\r'));
    await shown(/ready/);
    for (let i = 1; i <= 8; i++) {
      const rows = 24 + i;
      const cols = 80 + 3 * i;
      backend.resize(rows, cols);
      backend.write(Buffer.from(`stty size; echo do""ne-${i}\r`));
      await shown(new RegExp(`done-${i}`));
      const printed = output.slice(output.lastIndexOf('stty size'));
      expect(printed, `resize ${i}`).toMatch(new RegExp(`\\r\\n${rows} ${cols}\\r\\n`));
    }
  }, 60_000);
});
