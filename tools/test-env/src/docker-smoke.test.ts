// The Foundation's smoke test: the engine that `npm test` started runs `echo` in the test
// image through dockerode, and the output comes back.
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { dockerEngine, removeTestContainers, TEST_IMAGE, TEST_LABEL } from './docker.js';

const engine = await dockerEngine();

describe.skipIf(!engine.available)('Docker engine smoke test', () => {
  const docker = engine.available ? engine.value : (undefined as never);
  afterAll(() => removeTestContainers(docker, 'smoke'));

  it('runs echo in sluice-test/busybox and reads the output back', async () => {
    const container = await docker.createContainer({
      Image: TEST_IMAGE,
      Cmd: ['echo', 'hello from sluice-test/busybox'],
      Tty: true,
      Labels: { [TEST_LABEL]: 'smoke' },
    });
    const stream = await container.attach({
      stream: true,
      stdout: true,
      stderr: true,
      hijack: true,
    });
    const out = new PassThrough();
    stream.pipe(out);
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise((resolve) => stream.on('end', resolve));
    await container.start();
    const status = (await container.wait()) as { StatusCode: number };
    await ended;
    const text = Buffer.concat(chunks).toString('utf8');
    console.log(`[smoke] engine ran echo in ${TEST_IMAGE}; it printed: ${JSON.stringify(text)}`);
    expect(status.StatusCode).toBe(0);
    expect(text).toBe('hello from sluice-test/busybox\r\n');
  });
});
