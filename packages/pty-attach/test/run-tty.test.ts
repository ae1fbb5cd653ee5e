// dockerpty's behaviour suite for run (attach + start), driven through a real pseudo-terminal:
// the fixture program attaches its own terminal to a TTY container running /bin/sh.
import { afterAll, describe, expect, it } from 'vitest';
import { TestContainers } from './containers.js';
import { testEngines } from './engines.js';
import { currentFlags, expectSize, type PtyRun, ptyRunOver, resizeRapidly } from './pty-harness.js';

// moby/term MakeRaw, as `stty -a` shows it (min/time are VMIN=1, VTIME=0).
const MOBY_RAW = (
  '-ignbrk -brkint -parmrk -istrip -inlcr -igncr -icrnl -ixon -opost -echo -echonl ' +
  '-icanon -isig -iexten -parenb cs8 min=1 time=0'
).split(' ');

for (const { name, engine, env, options } of await testEngines()) {
  describe.skipIf(!engine.available)(`run with a TTY, through a real pty, over the ${name}`, () => {
    const docker = engine.available ? engine.value.docker : (undefined as never);
    // The fixture reaches this engine: its environment, and the SSH login for ssh://.
    const PtyRunHere = ptyRunOver(options, env);
    const containers = new TestContainers(docker);
    afterAll(() => containers.removeAll());

    describe('an interactive shell session', () => {
      let id = '';
      let run: PtyRun;

      it('shows the prompt', async () => {
        id = await containers.create(['/bin/sh'], { tty: true, openStdin: true });
        run = new PtyRunHere({ op: 'attach', container: id });
        await run.waitFor('/ # ');
      });

      it('puts the terminal in raw mode exactly as moby/term while attached', async () => {
        const now = currentFlags((run.pty as unknown as { ptsName: string }).ptsName);
        for (const flag of MOBY_RAW) expect(now).toContain(flag);
      });

      it('sends input and shows stdout', async () => {
        const at = run.mark;
        run.type('echo hello-$((6*7))\r');
        await run.waitFor('hello-42', at);
      });

      it('shows stderr (ls blah)', async () => {
        const at = run.mark;
        run.type('ls blah\r');
        await run.waitFor('ls: blah: No such file or directory', at);
      });

      it('gives the container the terminal size: 20 70, 30 100, then 28 105 after five rapid resizes', async () => {
        // The first resize follows the start asynchronously (slow over ssh): ask until it shows.
        await expectSize(run, '20 70');
        run.pty.resize(100, 30);
        // The resize is asynchronous (SIGWINCH → engine): ask until the answer changes.
        await expectSize(run, '30 100');
        resizeRapidly(run);
        await expectSize(run, '28 105');
        const at = run.mark;
        run.type('stty size\r');
        await run.waitFor(/28 105\r\n/, at);
      });

      it('exit ends the session, the container stops, and the terminal mode is back', async () => {
        run.type('exit 3\r');
        const result = await run.result();
        expect(result).toEqual({ exitCode: 3, detached: false });
        expect(await containers.isRunning(id)).toBe(false);
        const { before, after, status } = await run.modes();
        expect(status).toBe(3);
        expect(after).toBe(before);
      });
    });

    it('C-p C-q detaches, the container keeps running, and re-attaching shows the history', async () => {
      const id = await containers.create(['/bin/sh'], { tty: true, openStdin: true });
      const first = new PtyRunHere({ op: 'attach', container: id });
      await first.waitFor('/ # ');
      first.type('echo remember-$((2+3))\r');
      await first.waitFor('remember-5');
      first.type('\x10');
      first.type('\x11');
      expect(await first.result()).toEqual({ exitCode: 0, detached: true });
      const modes = await first.modes();
      expect(modes.after).toBe(modes.before);
      expect(await containers.isRunning(id)).toBe(true);

      // Attaching to the running container: Up, Enter runs the last command again.
      const second = new PtyRunHere({ op: 'attach', container: id });
      await second.pid();
      const at = second.mark;
      second.type('\x1b[A');
      await second.waitFor('echo remember-', at);
      second.type('\r');
      await second.waitFor('remember-5', at);
      second.type('exit\r');
      expect(await second.result()).toEqual({ exitCode: 0, detached: false });
      const again = await second.modes();
      expect(again.after).toBe(again.before);
    });

    it('/bin/true ends cleanly with 0', async () => {
      const id = await containers.create(['/bin/true'], { tty: true, openStdin: true });
      const run = new PtyRunHere({ op: 'attach', container: id });
      expect(await run.result()).toEqual({ exitCode: 0, detached: false });
      const { before, after } = await run.modes();
      expect(after).toBe(before);
    });

    it('attaches to an already running container', async () => {
      const id = await containers.create(['/bin/sh'], { tty: true, openStdin: true });
      await docker.getContainer(id).start();
      const run = new PtyRunHere({ op: 'attach', container: id });
      await run.pid();
      const at = run.mark;
      run.type('echo already-$((1+1))\r');
      await run.waitFor('already-2', at);
      run.type('exit 5\r');
      expect(await run.result()).toEqual({ exitCode: 5, detached: false });
    });

    it('custom detach keys ctrl-a,x detach; ^P ^P ^Q does not', async () => {
      const id = await containers.create(['/bin/sh'], { tty: true, openStdin: true });
      const run = new PtyRunHere({ op: 'attach', container: id, detachKeys: 'ctrl-a,x' });
      await run.waitFor('/ # ');
      run.type('\x10');
      run.type('\x10');
      run.type('\x11');
      run.type('\x15echo still-$((3*3))\r');
      await run.waitFor('still-9');
      run.type('\x01');
      run.type('x');
      expect(await run.result()).toEqual({ exitCode: 0, detached: true });
      expect(await containers.isRunning(id)).toBe(true);
    });

    it('^P ^P ^Q does not detach with the default keys either', async () => {
      const id = await containers.create(['/bin/sh'], { tty: true, openStdin: true });
      const run = new PtyRunHere({ op: 'attach', container: id });
      await run.waitFor('/ # ');
      run.type('\x10');
      run.type('\x10');
      run.type('\x11');
      run.type('\x15echo alive-$((4*4))\r');
      await run.waitFor('alive-16');
      run.type('exit\r');
      expect(await run.result()).toEqual({ exitCode: 0, detached: false });
    });

    it('an invalid detach-keys spec fails with the CLI text', async () => {
      const id = await containers.create(['/bin/sh'], { tty: true, openStdin: true });
      const run = new PtyRunHere({ op: 'attach', container: id, detachKeys: 'ctrl-a,xy' });
      await run.waitFor("[error] DetachKeysError: unknown character: 'xy'");
      const { before, after } = await run.modes();
      expect(after).toBe(before);
    });

    it('the terminal mode is back after the container is killed mid-session', async () => {
      const id = await containers.create(['/bin/sh'], { tty: true, openStdin: true });
      const run = new PtyRunHere({ op: 'attach', container: id });
      await run.waitFor('/ # ');
      await docker.getContainer(id).kill();
      expect(await run.result()).toEqual({ exitCode: 137, detached: false });
      const { before, after } = await run.modes();
      expect(after).toBe(before);
    });

    it('the terminal mode is back after SIGTERM to the attaching process', async () => {
      const id = await containers.create(['/bin/sh'], { tty: true, openStdin: true });
      const run = new PtyRunHere({ op: 'attach', container: id });
      const pid = await run.pid();
      await run.waitFor('/ # ');
      process.kill(pid, 'SIGTERM');
      const { before, after, status } = await run.modes();
      expect(status).toBe(128 + 15);
      expect(after).toBe(before);
    });

    it('the terminal mode is back after an uncaught exception in the attaching program', async () => {
      const id = await containers.create(['/bin/sh'], { tty: true, openStdin: true });
      const run = new PtyRunHere({ op: 'attach', container: id, crashOnUsr2: true });
      const pid = await run.pid();
      await run.waitFor('/ # ');
      process.kill(pid, 'SIGUSR2');
      const { before, after, status } = await run.modes();
      expect(run.screen).toContain('boom from the program');
      expect(status).toBe(1);
      expect(after).toBe(before);
    });

    it('the terminal mode is back after the program closes the session (close()); the container keeps running', async () => {
      const id = await containers.create(['/bin/sh'], { tty: true, openStdin: true });
      const run = new PtyRunHere({ op: 'attach', container: id, closeOnUsr2: true });
      const pid = await run.pid();
      await run.waitFor('/ # ');
      process.kill(pid, 'SIGUSR2');
      expect(await run.result()).toEqual({ exitCode: 130, detached: false, aborted: true });
      const { before, after, status } = await run.modes();
      expect(status).toBe(130);
      expect(after).toBe(before);
      expect(await containers.isRunning(id)).toBe(true);
    });
  });
}
