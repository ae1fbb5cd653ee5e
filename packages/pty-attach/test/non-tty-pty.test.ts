// dockerpty's non-TTY scenarios, for run and exec, typed at a real terminal: `cat` echoes what
// is typed and C-d ends it (stdin EOF → half-close); a non-interactive `tail -f` streams and
// Enter is ignored. Without a container TTY the local terminal stays in its own (cooked) mode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestContainers } from './containers.js';
import { testEngines } from './engines.js';
import { ptyRunOver } from './pty-harness.js';

for (const { name, engine, env, options } of await testEngines()) {
  describe.skipIf(!engine.available)(
    `non-TTY sessions, typed at a real pty, over the ${name}`,
    () => {
      const docker = engine.available ? engine.value.docker : (undefined as never);
      // The fixture reaches this engine: its environment, and the SSH login for ssh://.
      const PtyRunHere = ptyRunOver(options, env);
      const containers = new TestContainers(docker);
      let running = '';
      beforeAll(async () => {
        running = await containers.running();
      });
      afterAll(() => containers.removeAll());

      const catSpecs = {
        run: async () => ({
          op: 'attach',
          container: await containers.create(['cat'], { openStdin: true, stdinOnce: true }),
        }),
        exec: async () => ({ op: 'exec', container: running, cmd: ['cat'], tty: false }),
      };
      for (const [kind, spec] of Object.entries(catSpecs)) {
        it(`${kind}: cat echoes input and C-d ends it`, async () => {
          const run = new PtyRunHere(await spec());
          await run.pid();
          run.type('first-line\r');
          // Once from the terminal's own echo, once back from cat.
          await run.waitFor(/first-line[\s\S]*first-line/);
          run.type('\x04');
          expect(await run.result()).toEqual({ exitCode: 0, detached: false });
          const { before, after } = await run.modes();
          expect(after).toBe(before);
        });
      }

      it('run: non-interactive tail -f streams, Enter is ignored, killing the container ends it', async () => {
        const id = await containers.create([
          'sh',
          '-c',
          'echo tail-start > /tmp/f; tail -f /tmp/f',
        ]);
        const run = new PtyRunHere({ op: 'attach', container: id, interactive: false });
        await run.waitFor('tail-start');
        run.type('\r');
        const at = run.mark;
        await docker
          .getContainer(id)
          .exec({ Cmd: ['sh', '-c', 'echo tail-more >> /tmp/f'] })
          .then((e) => e.start({}));
        await run.waitFor('tail-more', at);
        expect(await containers.isRunning(id)).toBe(true);
        await docker.getContainer(id).kill();
        expect(await run.result()).toEqual({ exitCode: 137, detached: false });
      });

      it('run: signals to the attaching process go to the container (signal proxy)', async () => {
        const script =
          'trap "echo got-TERM; exit 3" TERM; echo ready; while true; do sleep 0.1; done';
        const id = await containers.create(['sh', '-c', script]);
        const run = new PtyRunHere({ op: 'attach', container: id, interactive: false });
        const pid = await run.pid();
        await run.waitFor('ready');
        process.kill(pid, 'SIGTERM');
        await run.waitFor('got-TERM');
        // The process stayed to report the container's status instead of dying of the signal.
        expect(await run.result()).toEqual({ exitCode: 3, detached: false });
      });

      it('exec: non-interactive tail -f streams, Enter is ignored', async () => {
        await docker
          .getContainer(running)
          .exec({ Cmd: ['sh', '-c', 'echo exec-tail-start > /tmp/g'] })
          .then((e) => e.start({}));
        const run = new PtyRunHere({
          op: 'exec',
          container: running,
          cmd: ['tail', '-f', '/tmp/g'],
          tty: false,
          interactive: false,
        });
        await run.waitFor('exec-tail-start');
        run.type('\r');
        const at = run.mark;
        await docker
          .getContainer(running)
          .exec({ Cmd: ['sh', '-c', 'echo exec-tail-more >> /tmp/g'] })
          .then((e) => e.start({}));
        await run.waitFor('exec-tail-more', at);
        await docker
          .getContainer(running)
          .exec({ Cmd: ['sh', '-c', 'kill $(pidof tail)'] })
          .then((e) => e.start({}));
        expect(await run.result()).toEqual({ exitCode: 143, detached: false });
      });
    },
  );
}
