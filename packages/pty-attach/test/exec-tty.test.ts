// dockerpty's behaviour suite for exec, driven through a real pseudo-terminal: the fixture
// program execs /bin/sh (TTY) in a running container with its own terminal — over the Unix
// socket, the TLS engine and the ssh:// engine (the fixture resolves the engine from the
// environment it is given, as the Docker CLI does).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestContainers } from './containers.js';
import { testEngines } from './engines.js';
import { expectSize, type PtyRun, ptyRunOver, resizeRapidly } from './pty-harness.js';

for (const { name, engine, env, options } of await testEngines()) {
  describe.skipIf(!engine.available)(
    `exec with a TTY, through a real pty, over the ${name}`,
    () => {
      const docker = engine.available ? engine.value.docker : (undefined as never);
      // The fixture reaches this engine: its environment, and the SSH login for ssh://.
      const PtyRunHere = ptyRunOver(options, env);
      const containers = new TestContainers(docker);
      let id = '';
      beforeAll(async () => {
        id = await containers.running();
      });
      afterAll(() => containers.removeAll());

      describe('an interactive shell session', () => {
        let run: PtyRun;

        it('shows the prompt', async () => {
          run = new PtyRunHere({ op: 'exec', container: id, cmd: ['/bin/sh'], tty: true });
          await run.waitFor('/ # ');
        });

        it('sends input and shows stdout', async () => {
          const at = run.mark;
          run.type('echo exec-$((6*7))\r');
          await run.waitFor('exec-42', at);
        });

        it('shows stderr (ls blah)', async () => {
          const at = run.mark;
          run.type('ls blah\r');
          await run.waitFor('ls: blah: No such file or directory', at);
        });

        it('gives the exec the terminal size: 20 70, 30 100, then 28 105 after five rapid resizes', async () => {
          // The first resize follows the start asynchronously (slow over ssh): ask until it shows.
          await expectSize(run, '20 70');
          run.pty.resize(100, 30);
          await expectSize(run, '30 100');
          resizeRapidly(run);
          await expectSize(run, '28 105');
        });

        it('exit ends the session with its code; the container keeps running; the terminal is back', async () => {
          run.type('exit 4\r');
          expect(await run.result()).toEqual({ exitCode: 4, detached: false });
          expect(await containers.isRunning(id)).toBe(true);
          const { before, after, status } = await run.modes();
          expect(status).toBe(4);
          expect(after).toBe(before);
        });
      });

      it('C-p C-q detaches; the exec process keeps running', async () => {
        const run = new PtyRunHere({
          op: 'exec',
          container: id,
          cmd: ['sh', '-c', 'echo marker-exec-detach; exec sh'],
          tty: true,
        });
        await run.waitFor('/ # ');
        run.type('\x10');
        run.type('\x11');
        expect(await run.result()).toEqual({ exitCode: 0, detached: true });
        const { before, after } = await run.modes();
        expect(after).toBe(before);
        const execs = ((await docker.getContainer(id).inspect()).ExecIDs ?? []) as string[];
        const states = await Promise.all(execs.map((e) => docker.getExec(e).inspect()));
        expect(
          states.some(
            (s) => s.Running && s.ProcessConfig.arguments.join(' ').includes('marker-exec-detach'),
          ),
        ).toBe(true);
      });

      it('/bin/true ends cleanly with 0', async () => {
        const run = new PtyRunHere({ op: 'exec', container: id, cmd: ['/bin/true'], tty: true });
        expect(await run.result()).toEqual({ exitCode: 0, detached: false });
        const { before, after } = await run.modes();
        expect(after).toBe(before);
      });

      it('the terminal mode is back after SIGTERM to the attaching process', async () => {
        const run = new PtyRunHere({ op: 'exec', container: id, cmd: ['/bin/sh'], tty: true });
        const pid = await run.pid();
        await run.waitFor('/ # ');
        process.kill(pid, 'SIGTERM');
        const { before, after, status } = await run.modes();
        expect(status).toBe(128 + 15);
        expect(after).toBe(before);
      });
    },
  );
}
