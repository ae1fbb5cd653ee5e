// Acceptance: every error path of the built command prints one line that says what went wrong
// and what to do, no stack trace (unless --verbose), and exits with the Docker CLI's code,
// measured against `docker` on the same engine.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerEngine, TEST_IMAGE } from '@sluice/test-env';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Ran, run } from './harness.js';

const engine = await dockerEngine();

/** The one line sluice printed, checked for shape. */
function oneLine(r: Ran): string {
  expect(r.stderr, 'exactly one line').toMatch(/^sluice: [^\n]+\n$/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return r.stderr;
}

describe('sluice error paths', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-cli-errors-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('no Docker engine: run 125, logs 1, as docker; the line names the address', async () => {
    const env = { DOCKER_HOST: `unix://${join(dir, 'no-engine.sock')}`, DOCKER_CONTEXT: undefined };
    for (const args of [
      ['run', '--rm', TEST_IMAGE, 'true'],
      ['logs', 'x'],
    ]) {
      const [anchor, ours] = await Promise.all([
        run('docker', args, { env }),
        run('sluice', args, { env }),
      ]);
      expect(ours.code, args[0]).toBe(anchor.code);
      expect(oneLine(ours)).toMatch(
        /cannot connect to the Docker engine at unix:\/\/.*no-engine\.sock.*DOCKER_HOST/,
      );
    }
  });

  it.skipIf(!engine.available)(
    'no such container: logs, exec, attach exit as docker does',
    async () => {
      for (const args of [
        ['logs', 'sluice-no-such'],
        ['exec', 'sluice-no-such', 'true'],
        ['attach', 'sluice-no-such'],
      ]) {
        const [anchor, ours] = await Promise.all([run('docker', args), run('sluice', args)]);
        expect(anchor.stderr).toContain('No such container: sluice-no-such');
        expect(ours.code, args[0]).toBe(anchor.code);
        expect(oneLine(ours)).toMatch(/No such container: sluice-no-such \(check the name/);
      }
    },
  );

  it.skipIf(!engine.available)(
    'image not found and a command that cannot start: 125, 127, 126 as docker',
    async () => {
      for (const args of [
        ['run', '--rm', 'sluice-test/no-such-image:1', 'true'],
        ['run', '--rm', TEST_IMAGE, 'no-such-command'],
        ['run', '--rm', TEST_IMAGE, '/etc'],
      ]) {
        const [anchor, ours] = await Promise.all([run('docker', args), run('sluice', args)]);
        expect(ours.code, args.join(' ')).toBe(anchor.code);
        oneLine(ours);
      }
      const missing = await run('sluice', ['run', '--rm', 'sluice-test/no-such-image:1', 'true']);
      expect(missing.stderr).toMatch(
        /No such image: sluice-test\/no-such-image:1 \(pull or build it first/,
      );
    },
  );

  it('-it with stdin not a terminal: one line and 1, as docker', async () => {
    const args = ['run', '-it', '--rm', TEST_IMAGE, 'sh'];
    const [anchor, ours] = await Promise.all([
      run('docker', args, { input: 'echo hi\n' }),
      run('sluice', args, { input: 'echo hi\n' }),
    ]);
    expect(anchor.stderr).toContain('the input device is not a TTY');
    expect(ours.code).toBe(anchor.code);
    expect(oneLine(ours)).toMatch(/^sluice: the input device is not a TTY \(drop -t/);
  });

  it('an unknown flag: 125, as docker', async () => {
    const [anchor, ours] = await Promise.all([
      run('docker', ['logs', '--frob', 'x']),
      run('sluice', ['logs', '--frob', 'x']),
    ]);
    expect(anchor.code).toBe(125);
    expect(ours.code).toBe(125);
    expect(oneLine(ours)).toBe("sluice: unknown flag: --frob (see 'sluice logs --help')\n");
  });

  it('a bad URL', async () => {
    const r = await run('sluice', ['connect', 'nonsense://somewhere']);
    expect(r.code).toBe(1);
    expect(oneLine(r)).toMatch(/unsupported scheme .*tcp:\/\/.*URL forms/);
    const s = await run('sluice', ['serve', 'http://127.0.0.1:0', '--echo']);
    expect(s.code).toBe(1);
    expect(oneLine(s)).toMatch(/cannot listen on "http:.*unsupported scheme/);
    const c = await run('sluice', ['connect', 'tcp://127.0.0.1']);
    expect(c.code).toBe(1);
    expect(oneLine(c)).toMatch(/no port in "tcp:\/\/127\.0\.0\.1"/);
  });

  it('a port already in use', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    try {
      const port = (holder.address() as { port: number }).port;
      const r = await run('sluice', ['serve', `tcp://127.0.0.1:${port}`, '--echo']);
      expect(r.code).toBe(1);
      expect(oneLine(r)).toBe(
        `sluice: cannot listen on tcp://127.0.0.1:${port}: address already in use (pick another port, or port 0 for a free one)\n`,
      );
    } finally {
      holder.close();
    }
  });

  it('nothing listening, and --verbose adds the stack', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    await new Promise<void>((resolve) => holder.close(() => resolve()));
    const r = await run('sluice', ['connect', `tcp://127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(oneLine(r)).toBe(
      `sluice: cannot connect to tcp://127.0.0.1:${port}: connection refused (is a sluice serve listening there?)\n`,
    );
    const v = await run('sluice', ['--verbose', 'connect', `tcp://127.0.0.1:${port}`]);
    expect(v.stderr.split('\n')[0]).toBe(r.stderr.trim());
    expect(v.stderr).toMatch(/\n\s+at /);
  });
});
