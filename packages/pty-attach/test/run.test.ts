// run(): create, attach, start, wait, and with remove: true no container left behind on any
// way out (exit, detach then stop, abort, a start failure); close() and an AbortSignal end
// a session at once.
import { execFile } from 'node:child_process';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { removeTestContainers, TEST_IMAGE, TEST_LABEL } from '@sluice/test-env';
import type Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineError, run } from '../src/index.js';
import { testEngines } from './engines.js';

/** A Writable that keeps what it is given. */
function sink(): Writable & { text(): string } {
  const chunks: Buffer[] = [];
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  }) as Writable & { text(): string };
  w.text = () => Buffer.concat(chunks).toString('utf8');
  return w;
}

async function waitForText(out: { text(): string }, text: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!out.text().includes(text)) {
    if (Date.now() > deadline) throw new Error(`no ${text} in ${JSON.stringify(out.text())}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whether the engine still has the container. */
async function exists(docker: Docker, id: string): Promise<boolean> {
  try {
    await docker.getContainer(id).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

/** Waits for the engine to drop `id` (AutoRemove runs right after the exit). */
async function gone(docker: Docker, id: string): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (await exists(docker, id)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

const spec = (cmd: string[], extra: Partial<Docker.ContainerCreateOptions> = {}) => ({
  Image: TEST_IMAGE,
  Cmd: cmd,
  Labels: { [TEST_LABEL]: 'pty-attach-run' },
  ...extra,
});

for (const { name, engine } of await testEngines()) {
  describe.skipIf(!engine.available)(`run() over the ${name}`, () => {
    const docker = engine.available ? engine.value.docker : (undefined as never);
    const quiet = () => ({ stdin: null, stdout: sink(), stderr: sink() });
    // Whatever a failing test left behind.
    afterAll(() => removeTestContainers(docker, 'pty-attach-run'));

    it('returns the exit code and keeps stdout and stderr apart', async () => {
      const stdout = sink();
      const stderr = sink();
      const session = run(docker, spec(['sh', '-c', 'echo out; echo err >&2; exit 5']), {
        stdin: null,
        stdout,
        stderr,
        remove: true,
      });
      expect(await session.result).toEqual({ exitCode: 5, detached: false });
      expect(stdout.text()).toBe('out\n');
      expect(stderr.text()).toBe('err\n');
      expect(await gone(docker, await session.containerId)).toBe(true);
    });

    it('run(engine) with the Engine itself (no dockerode): exit code, stdout and stderr apart, removed', async () => {
      const target = engine.available ? engine.value : (undefined as never);
      const stdout = sink();
      const stderr = sink();
      const session = run(target, spec(['sh', '-c', 'echo out; echo err >&2; exit 7']), {
        stdin: null,
        stdout,
        stderr,
        remove: true,
      });
      expect(await session.result).toEqual({ exitCode: 7, detached: false });
      expect(stdout.text()).toBe('out\n');
      expect(stderr.text()).toBe('err\n');
      expect(await gone(docker, await session.containerId)).toBe(true);
    });

    it('without remove, the exited container stays', async () => {
      const session = run(docker, spec(['true']), quiet());
      expect((await session.result).exitCode).toBe(0);
      const id = await session.containerId;
      expect(await exists(docker, id)).toBe(true);
      await docker.getContainer(id).remove({ force: true });
    });

    it('remove: true, detach, then a stop: the container is gone', async () => {
      const stdin = new PassThrough();
      const stdout = sink();
      const session = run(docker, spec(['/bin/sh'], { Tty: true, OpenStdin: true }), {
        stdin,
        stdout,
        size: { rows: 10, cols: 40 },
        remove: true,
      });
      stdin.write('echo up-$((1+1))\r');
      await waitForText(stdout, 'up-2');
      stdin.write('\x10\x11');
      expect(await session.result).toEqual({ exitCode: 0, detached: true });
      const id = await session.containerId;
      expect(await exists(docker, id)).toBe(true);
      await docker.getContainer(id).stop({ t: 0 });
      expect(await gone(docker, id)).toBe(true);
    });

    it('remove: true and a start failure (127): the container is gone', async () => {
      const session = run(docker, spec(['no-such-command']), { ...quiet(), remove: true });
      const result = await session.result;
      expect(result.exitCode).toBe(127);
      expect(result.error?.message).toMatch(/not found/);
      expect(await exists(docker, await session.containerId)).toBe(false);
    });

    it('abort mid-session: result says aborted, remove: true removes the running container', async () => {
      const controller = new AbortController();
      const stdout = sink();
      const session = run(docker, spec(['sh', '-c', 'echo started; exec sleep 600']), {
        stdin: null,
        stdout,
        stderr: sink(),
        remove: true,
        signal: controller.signal,
      });
      await waitForText(stdout, 'started');
      const at = Date.now();
      controller.abort();
      expect(await session.result).toEqual({ exitCode: 130, detached: false, aborted: true });
      expect(Date.now() - at).toBeLessThan(5_000);
      expect(await exists(docker, await session.containerId)).toBe(false);
    });

    it('close() without remove leaves the container running; a signal aborted up front creates nothing', async () => {
      const stdout = sink();
      const session = run(docker, spec(['sh', '-c', 'echo started; exec sleep 600']), {
        stdin: null,
        stdout,
        stderr: sink(),
      });
      await waitForText(stdout, 'started');
      await session.close();
      expect((await session.result).aborted).toBe(true);
      const id = await session.containerId;
      expect((await docker.getContainer(id).inspect()).State.Running).toBe(true);
      await docker.getContainer(id).remove({ force: true });

      const early = run(docker, spec(['true']), { ...quiet(), signal: AbortSignal.abort() });
      expect((await early.result).aborted).toBe(true);
      await expect(early.containerId).rejects.toThrow();
    });

    it('an image the engine does not have is an EngineError 404 naming it', async () => {
      const session = run(docker, { Image: 'sluice-test/no-such-image:none' }, quiet());
      const failure = await session.result.catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(EngineError);
      expect((failure as EngineError).statusCode).toBe(404);
      expect((failure as EngineError).message).toMatch(/no-such-image/);
    });
  });
}

// A library user's program, with the built package: run(engine) loads no dockerode at all;
// reading engine.docker is what loads it.
const local = (await testEngines())[0];
describe.skipIf(!local?.engine.available)('what run(engine) loads', () => {
  it('no dockerode until engine.docker is read', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/loads.mjs', import.meta.url));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [fixture, TEST_IMAGE, TEST_LABEL],
      { env: { ...process.env, ...local?.env } },
    );
    expect(JSON.parse(stdout)).toEqual({
      result: { exitCode: 6, detached: false },
      before: false,
      after: true,
    });
  });
});
