// Acceptance, as a person at a terminal: the built `sluice` in a real pseudo-terminal against
// the real engine, each script run first with `docker` (the anchor), then with `sluice`, and
// what the person sees compared.

import { spawn } from 'node:child_process';
import { dockerEngine, TEST_IMAGE } from '@sluice/test-env';
import { afterAll, describe, expect, it } from 'vitest';
import { command, containerName, run, Terminal } from './harness.js';

const engine = await dockerEngine();
const made: string[] = [];

async function gone(name: string): Promise<boolean> {
  const r = await run('docker', ['inspect', name]);
  return r.code !== 0;
}

async function startBackground(args: string[]): Promise<string> {
  const name = containerName('bg');
  made.push(name);
  const r = await run('docker', ['run', '-d', '--name', name, ...args]);
  expect(r.code, r.stderr).toBe(0);
  return name;
}

/**
 * What `stty size` prints, waiting for its output line, not for its echo: a SIGWINCH that
 * lands while the line is typed makes the shell redraw it, which splits the echo (with the
 * Docker CLI as with sluice, since a resize reaches the container asynchronously).
 */
async function sttySize(t: Terminal): Promise<string> {
  const from = t.mark;
  t.type('stty size\r');
  const m = await t.waitFor(/\r\n(\d+ \d+)\r\n\/ # /, from);
  return m[1] as string;
}

describe.skipIf(!engine.available)('sluice in a terminal, against docker', () => {
  afterAll(async () => {
    if (made.length > 0) await run('docker', ['rm', '-f', ...made]);
  });

  /** `run -it --rm IMAGE sh`: prompt, commands, sizes, a resize, `exit 3`, container gone. */
  async function runScript(tool: 'sluice' | 'docker') {
    const name = containerName(`run-${tool}`);
    made.push(name);
    const t = new Terminal(tool, ['run', '-it', '--rm', '--name', name, TEST_IMAGE, 'sh']);
    try {
      await t.waitFor('/ # ');
      const echoed = await t.command('echo hello; ls /nonexistent-dir', '/ # ');
      const size = await sttySize(t);
      t.resize(100, 30);
      // The resize reaches the container asynchronously: ask until the shell sees it.
      let resized = '';
      for (let i = 0; i < 50 && resized !== '30 100'; i++) resized = await sttySize(t);
      t.type('exit 3\r');
      const code = await t.exitCode();
      // --rm: the engine removes it as the session ends; the CLI waits for that.
      return { echoed, size: size.trim(), resized: resized.trim(), code, gone: await gone(name) };
    } finally {
      t.kill();
    }
  }

  it('run -it --rm sh: prompt, commands, stty size, resize, exit 3, container gone', async () => {
    const anchor = await runScript('docker');
    const ours = await runScript('sluice');
    expect(anchor).toMatchObject({ size: '20 70', resized: '30 100', code: 3, gone: true });
    expect(ours).toEqual(anchor);
    expect(ours.echoed).toContain('hello\n');
    expect(ours.echoed).toContain('No such file or directory');
  });

  async function execScript(tool: 'sluice' | 'docker', container: string) {
    const t = new Terminal(tool, ['exec', '-it', '-e', 'GREETING=hi there', container, 'sh'], {
      cols: 90,
      rows: 25,
    });
    try {
      await t.waitFor('/ # ');
      // Read from the output line, not the echo: a SIGWINCH while typing (the CLI's first
      // resize) makes busybox redraw the line, which splits the echo.
      const from = t.mark;
      t.type('echo "<$GREETING>"\r');
      const env = (await t.waitFor(/\r\n<([^$>\r\n]*)>\r\n\/ # /, from))[1] as string;
      const size = await sttySize(t);
      t.type('exit 5\r');
      return { env: env.trim(), size: size.trim(), code: await t.exitCode() };
    } finally {
      t.kill();
    }
  }

  it('exec -it: environment, size and the exit code of the shell', async () => {
    const container = await startBackground([TEST_IMAGE, 'sleep', '300']);
    const anchor = await execScript('docker', container);
    const ours = await execScript('sluice', container);
    expect(anchor).toEqual({ env: 'hi there', size: '25 90', code: 5 });
    expect(ours).toEqual(anchor);
  });

  it('exec -it detached with ctrl-p ctrl-q: exit code and message as docker', async () => {
    const container = await startBackground([TEST_IMAGE, 'sleep', '300']);
    const seen = [];
    for (const tool of ['docker', 'sluice'] as const) {
      const t = new Terminal(tool, ['exec', '-it', container, 'sh']);
      try {
        await t.waitFor('/ # ');
        const before = t.mark;
        t.type('\x10\x11');
        const code = await t.exitCode();
        seen.push({ code, said: t.screen.slice(before).includes('read escape sequence') });
      } finally {
        t.kill();
      }
    }
    expect(seen[0]).toEqual({ code: 1, said: true });
    expect(seen[1]).toEqual(seen[0]);
  });

  async function attachScript(tool: 'sluice' | 'docker', container: string) {
    const t = new Terminal(tool, ['attach', '--detach-keys', 'ctrl-x,x', container]);
    try {
      // The shell prints nothing on attach: a command shows that the terminal reaches it.
      const from = t.mark;
      t.type(`echo attached-${tool}\r`);
      await t.waitFor(`attached-${tool}\r\n`, from);
      const before = t.mark;
      t.type('\x18x');
      const code = await t.exitCode();
      const running = (
        await run('docker', ['inspect', '-f', '{{.State.Running}}', container])
      ).stdout
        .toString()
        .trim();
      return { code, said: t.screen.slice(before).replace(/\r/g, '').trim(), running };
    } finally {
      t.kill();
    }
  }

  it('attach with detach keys: the container keeps running, exit code as docker after a detach', async () => {
    const container = await startBackground(['-it', TEST_IMAGE, 'sh']);
    const anchor = await attachScript('docker', container);
    const ours = await attachScript('sluice', container);
    expect(anchor).toMatchObject({ code: 1, running: 'true' });
    expect(anchor.said).toContain('read escape sequence');
    expect(ours).toEqual({ ...anchor, said: expect.stringContaining('read escape sequence') });
  });

  it('run -it detaches with ctrl-p ctrl-q and exits 0, as docker', async () => {
    for (const tool of ['docker', 'sluice'] as const) {
      const name = containerName(`detach-${tool}`);
      made.push(name);
      const t = new Terminal(tool, ['run', '-it', '--name', name, TEST_IMAGE, 'sh']);
      try {
        await t.waitFor('/ # ');
        t.type('\x10\x11');
        expect(await t.exitCode(), tool).toBe(0);
        const running = await run('docker', ['inspect', '-f', '{{.State.Running}}', name]);
        expect(running.stdout.toString().trim(), tool).toBe('true');
      } finally {
        t.kill();
      }
    }
  });

  it('run -d prints the container ID and leaves it running; exec -d runs in the background', async () => {
    const name = containerName('detached');
    made.push(name);
    const r = await run('sluice', [
      'run',
      '-d',
      '--name',
      name,
      '-e',
      'X=1',
      TEST_IMAGE,
      'sleep',
      '300',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const id = r.stdout.toString().trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const state = await run('docker', ['inspect', '-f', '{{.Id}} {{.State.Running}}', name]);
    expect(state.stdout.toString().trim()).toBe(`${id} true`);
    const e = await run('sluice', ['exec', '-d', name, 'sh', '-c', 'echo bg > /tmp/mark']);
    expect(e.code, e.stderr).toBe(0);
    // The background command finishes on its own: ask until its file is there.
    let seen = '';
    for (let i = 0; i < 50 && seen !== 'bg'; i++) {
      seen = (await run('sluice', ['exec', name, 'cat', '/tmp/mark'])).stdout.toString().trim();
    }
    expect(seen).toBe('bg');
  });

  /** Attaches (no TTY) with `flags`, sends SIGTERM once output flows, reports what followed. */
  async function signalScript(tool: 'sluice' | 'docker', flags: string[]) {
    const container = await startBackground([
      TEST_IMAGE,
      'sh',
      '-c',
      'trap "echo got-term; exit 7" TERM; while true; do echo tick; sleep 0.2; done',
    ]);
    const [file, argv] = command(tool, ['attach', ...flags, container]);
    const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const ticking = new Promise<void>((resolve) =>
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('tick')) resolve();
      }),
    );
    const ended = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('close', (code, signal) => resolve({ code, signal })),
    );
    await ticking;
    child.kill('SIGTERM');
    const end = await ended;
    const state = await run('docker', ['inspect', '-f', '{{.State.Running}}', container]);
    return { ...end, gotTerm: out.includes('got-term'), running: state.stdout.toString().trim() };
  }

  it('attach forwards signals without a TTY, as docker; --sig-proxy=false does not forward them', async () => {
    const anchor = await signalScript('docker', ['--no-stdin']);
    expect(anchor).toEqual({ code: 7, signal: null, gotTerm: true, running: 'false' });
    expect(await signalScript('sluice', ['--no-stdin'])).toEqual(anchor);
    // Not forwarded: sluice ends by the signal and the container runs on, untouched. (The
    // Docker CLI 28 stays attached on a first SIGTERM here, so it is no anchor for this.)
    const off = await signalScript('sluice', ['--no-stdin', '--sig-proxy=false']);
    expect(off).toEqual({ code: null, signal: 'SIGTERM', gotTerm: false, running: 'true' });
  });

  it('logs -f: stdout on stdout, stderr on stderr, until the container stops', async () => {
    const container = await startBackground([
      TEST_IMAGE,
      'sh',
      '-c',
      'echo out1; echo err1 >&2; sleep 1; echo out2; echo err2 >&2',
    ]);
    const [anchor, ours] = await Promise.all([
      run('docker', ['logs', '-f', container]),
      run('sluice', ['logs', '-f', container]),
    ]);
    expect({ code: anchor.code, out: anchor.stdout.toString(), err: anchor.stderr }).toEqual({
      code: 0,
      out: 'out1\nout2\n',
      err: 'err1\nerr2\n',
    });
    expect({ code: ours.code, out: ours.stdout.toString(), err: ours.stderr }).toEqual({
      code: 0,
      out: anchor.stdout.toString(),
      err: anchor.stderr,
    });
    const anchorTail = await run('docker', ['logs', '--tail', '2', '-t', container]);
    const tail = await run('sluice', ['logs', '--tail', '2', '-t', container]);
    expect(tail.stdout.toString()).toMatch(/^\d{4}-\d\d-\d\dT\S+ out2\n$/);
    expect(tail.stdout.toString()).toBe(anchorTail.stdout.toString());
    expect(tail.stderr).toBe(anchorTail.stderr);
  });
});
