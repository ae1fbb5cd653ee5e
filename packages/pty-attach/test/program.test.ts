// Sessions driven by a program instead of a person: in-memory stdio (Node streams and
// stream-core Streams), half-close, separate stderr, exit codes, no request-body bytes in
// stdin (dockerode #777), resize on demand, detach(), and the typed errors.
import { execFile } from 'node:child_process';
import { PassThrough, Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createStreamPair } from '@sluice/stream-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attach, DetachKeysError, exec, startExec, UpgradeError } from '../src/index.js';
import { TestContainers } from './containers.js';
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

const input = (...parts: string[]): Readable => Readable.from(parts.map((p) => Buffer.from(p)));

for (const { name, engine, env, options } of await testEngines()) {
  describe.skipIf(!engine.available)(`sessions driven by a program, over the ${name}`, () => {
    const docker = engine.available ? engine.value.docker : (undefined as never);
    const containers = new TestContainers(docker);
    let running = '';
    beforeAll(async () => {
      running = await containers.running();
    });
    afterAll(() => containers.removeAll());

    it('exec with stdin already at end of file still delivers all output', async () => {
      const stdout = sink();
      const stderr = sink();
      const cmd = ['sh', '-c', 'sleep 0.2; seq 1 5000; echo done >&2'];
      const result = await exec(docker, running, cmd, { stdin: input(), stdout, stderr }).result;
      expect(result).toEqual({ exitCode: 0, detached: false });
      const expected = `${Array.from({ length: 5000 }, (_, i) => i + 1).join('\n')}\n`;
      expect(stdout.text()).toBe(expected);
      expect(stderr.text()).toBe('done\n');
    });

    it('echo data | exec cat returns data (stdin EOF half-closes, output still arrives)', async () => {
      const stdout = sink();
      const result = await exec(docker, running, ['cat'], {
        stdin: input('da', 'ta\n'),
        stdout,
        stderr: sink(),
      }).result;
      expect(result).toEqual({ exitCode: 0, detached: false });
      expect(stdout.text()).toBe('data\n');
    });

    it('exec without a TTY delivers stderr separately', async () => {
      const stdout = sink();
      const stderr = sink();
      const cmd = ['sh', '-c', 'echo to-out; ls blah; echo to-out-2'];
      const result = await exec(docker, running, cmd, { stdin: null, stdout, stderr }).result;
      expect(result.exitCode).toBe(0);
      expect(stdout.text()).toBe('to-out\nto-out-2\n');
      expect(stderr.text()).toBe('ls: blah: No such file or directory\n');
    });

    describe('exit codes as the CLI', () => {
      const quiet = () => ({ stdin: null, stdout: sink(), stderr: sink() });
      it.each([
        [['sh', '-c', 'exit 7'], 7],
        [['no-such-command'], 127],
        [['/bin'], 126],
      ])('exec %j → %i', async (cmd, code) => {
        expect((await exec(docker, running, cmd, quiet()).result).exitCode).toBe(code);
      });
      it.each([
        [['sh', '-c', 'exit 7'], 7],
        [['no-such-command'], 127],
        [['/bin'], 126],
      ])('run %j → %i', async (cmd, code) => {
        const id = await containers.create(cmd);
        const result = await attach(docker, id, quiet()).result;
        expect(result.exitCode).toBe(code);
        if (code >= 126) expect(result.error?.message).toMatch(/not found|permission denied/);
      });
    });

    it('no request-body bytes reach the container stdin (dockerode #777), for run and exec', async () => {
      const id = await containers.create(['wc', '-c'], { openStdin: true, stdinOnce: true });
      const runOut = sink();
      const run = await attach(docker, id, { stdin: input('abc'), stdout: runOut, stderr: sink() })
        .result;
      expect(run.exitCode).toBe(0);
      expect(runOut.text().trim()).toBe('3');
      const execOut = sink();
      await exec(docker, running, ['wc', '-c'], {
        stdin: input('abcd'),
        stdout: execOut,
        stderr: sink(),
      }).result;
      expect(execOut.text().trim()).toBe('4');
    });

    it('drives a TTY exec with stream-core Streams: input, output, resize(rows, cols), exit', async () => {
      const [user, side] = createStreamPair();
      const session = exec(docker, running, ['/bin/sh'], {
        tty: true,
        stdin: side,
        stdout: side,
        size: { rows: 20, cols: 70 },
      });
      let screen = '';
      const reader = (async () => {
        for await (const chunk of user) screen += Buffer.from(chunk).toString('utf8');
      })();
      const waitFor = async (text: string, from: number, ms = 3_000): Promise<void> => {
        const deadline = Date.now() + ms;
        while (!screen.slice(from).includes(text)) {
          if (Date.now() > deadline) throw new Error(`no ${text} in ${JSON.stringify(screen)}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      await waitFor('/ # ', 0, 15_000);
      // The initial resize follows the start asynchronously (a round trip to the engine,
      // slow over ssh): ask until the answer is there.
      let at = screen.length;
      for (let attempt = 0; ; attempt++) {
        at = screen.length;
        await user.writeAll('stty size\r');
        const ok = await waitFor('20 70', at).then(
          () => true,
          () => false,
        );
        if (ok) break;
        if (attempt === 5)
          throw new Error(`the size never became 20 70: ${JSON.stringify(screen)}`);
      }
      await session.resize(30, 100);
      at = screen.length;
      await user.writeAll('stty size\r');
      await waitFor('30 100', at, 10_000);
      await user.writeAll('exit 9\r');
      expect(await session.result).toEqual({ exitCode: 9, detached: false });
      // The session half-closed its side: the program's reader sees the end.
      await reader;
    });

    it('detach() ends a session and leaves the container running', async () => {
      const id = await containers.create(['/bin/sh'], { tty: true, openStdin: true });
      const stdin = new PassThrough();
      const stdout = sink();
      const session = attach(docker, id, { stdin, stdout, size: { rows: 10, cols: 40 } });
      stdin.write('echo ready-$((1+1))\r');
      const deadline = Date.now() + 10_000;
      while (!stdout.text().includes('ready-2') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      session.detach();
      expect(await session.result).toEqual({ exitCode: 0, detached: true });
      expect(await containers.isRunning(id)).toBe(true);
    });

    it('logs: true replays the output from before the attach', async () => {
      const id = await containers.create(['sh', '-c', 'echo early-line; exec sleep 600']);
      await docker.getContainer(id).start();
      const deadline = Date.now() + 10_000;
      for (;;) {
        const logs = await docker.getContainer(id).logs({ stdout: true });
        if (logs.toString().includes('early-line')) break;
        if (Date.now() > deadline) throw new Error('the container never printed early-line');
        await new Promise((r) => setTimeout(r, 20));
      }
      const stdout = sink();
      const session = attach(docker, id, { stdin: null, stdout, stderr: sink(), logs: true });
      while (!stdout.text().includes('early-line')) await new Promise((r) => setTimeout(r, 20));
      session.detach();
      expect(await session.result).toEqual({ exitCode: 0, detached: true });
      expect(stdout.text()).toBe('early-line\n');
    });

    it('an invalid detach-keys spec rejects with the CLI text', async () => {
      const session = exec(docker, running, ['true'], {
        stdin: null,
        detachKeys: 'ctrl-a,x,ctrl-',
      });
      await expect(session.result).rejects.toThrow(DetachKeysError);
      await expect(session.result).rejects.toThrow("unknown character: 'ctrl-'");
    });

    it('an exec in a paused container fails with "unable to upgrade to tcp, received 409"', async () => {
      const id = await containers.running();
      const container = docker.getContainer(id);
      const created = await container.exec({ Cmd: ['true'], AttachStdout: true });
      await container.pause();
      try {
        const session = startExec(docker, created.id, {
          stdin: null,
          stdout: sink(),
          stderr: sink(),
        });
        await expect(session.result).rejects.toThrow(UpgradeError);
        await expect(session.result).rejects.toThrow(/unable to upgrade to tcp, received 409/);
      } finally {
        await container.unpause();
      }
    });

    it('a TTY container with a stdin that is not a terminal fails with the CLI error', async () => {
      const id = await containers.create(['/bin/sh'], { tty: true, openStdin: true });
      const fixture = fileURLToPath(new URL('./fixtures/run.mjs', import.meta.url));
      const out = await new Promise<string>((resolve) => {
        const child = execFile(
          process.execPath,
          [fixture, JSON.stringify({ op: 'attach', container: id, engine: options })],
          { env: { ...process.env, ...env } },
          (_err, stdout) => resolve(stdout),
        );
        child.stdin?.end('echo piped\n');
      });
      expect(out).toContain(
        'NotATerminalError: cannot attach stdin to a TTY-enabled container because stdin is not a terminal',
      );
    });
  });
}
