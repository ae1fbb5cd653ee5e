// Acceptance: `sluice demux` on a stream captured from the real engine gives back exactly what
// `docker logs` shows on stdout and stderr; a truncated capture writes all that arrived and
// exits 1 naming the missing bytes; a daemon error frame goes to stderr and exits 1.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerEngine, removeTestContainers, TEST_IMAGE, TEST_LABEL } from '@sluice/test-env';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quote, run, SLUICE } from './harness.js';

const engine = await dockerEngine();
const OWNER = 'cli-demux';

describe.skipIf(!engine.available)('sluice demux / mux', () => {
  const docker = engine.available ? engine.value : (undefined as never);
  let dir = '';
  let capture = '';
  let expected = { out: '', err: '' };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-cli-demux-'));
    const container = await docker.createContainer({
      Image: TEST_IMAGE,
      Cmd: [
        'sh',
        '-c',
        'echo line1; echo e1 >&2; seq 1 3000; printf "no newline" >&2; printf "tail" >&2',
      ],
      Labels: { [TEST_LABEL]: OWNER },
    });
    await container.start();
    await container.wait();
    // The engine's own multiplexed bytes, as `GET /containers/{id}/logs` sends them.
    const bytes = (await container.logs({
      stdout: true,
      stderr: true,
      follow: false,
    })) as unknown as Buffer;
    capture = join(dir, 'capture.bin');
    await writeFile(capture, bytes);
    const anchor = await run('docker', ['logs', container.id]);
    expected = { out: anchor.stdout.toString(), err: anchor.stderr };
  });
  afterAll(async () => {
    await removeTestContainers(docker, OWNER);
    await rm(dir, { recursive: true, force: true });
  });

  it('reproduces the stdout and stderr docker logs shows, into files and onto its own descriptors', async () => {
    expect(expected.out).toContain('3000\n');
    expect(expected.err).toBe('e1\nno newlinetail');
    const o = join(dir, 'o');
    const e = join(dir, 'e');
    const r = await run('sluice', ['demux', '--stdout', o, '--stderr', e, capture]);
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(o, 'utf8')).toBe(expected.out);
    expect(await readFile(e, 'utf8')).toBe(expected.err);
    const piped = await run('sluice', ['demux'], { input: await readFile(capture) });
    expect({ code: piped.code, out: piped.stdout.toString(), err: piped.stderr }).toEqual({
      code: 0,
      ...expected,
    });
  });

  it('a truncated stream: everything that arrived is written, then one line naming the missing bytes, exit 1', async () => {
    const whole = await readFile(capture);
    const cut = join(dir, 'cut.bin');
    await writeFile(cut, whole.subarray(0, whole.length - 3));
    const o = join(dir, 'o2');
    const e = join(dir, 'e2');
    const r = await run('sluice', ['demux', '--stdout', o, '--stderr', e, cut]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(r.stderr).toMatch(/^sluice: truncated frame: 3 more bytes expected at byte offset \d+/);
    expect(await readFile(o, 'utf8')).toBe(expected.out);
    expect(await readFile(e, 'utf8')).toBe(expected.err.slice(0, -3));
  });

  it('a daemon error frame (id 3) goes to stderr and exits 1, after the data before it', async () => {
    const text = 'Error grabbing logs: boom';
    const header = Buffer.from([3, 0, 0, 0, 0, 0, 0, text.length]);
    const stream = Buffer.concat([await readFile(capture), header, Buffer.from(text)]);
    const r = await run('sluice', ['demux'], { input: stream });
    expect(r.code).toBe(1);
    expect(r.stdout.toString()).toBe(expected.out);
    expect(r.stderr).toBe(`${expected.err}sluice: daemon error in the stream: ${text}\n`);
  });

  it('mux builds inputs that demux splits back', async () => {
    const out = await run('sluice', ['mux', '--stream', 'stdout'], { input: 'to stdout\n' });
    const err = await run('sluice', ['mux', '--stream', 'stderr'], { input: 'to stderr\n' });
    expect(out.stdout.subarray(0, 8)).toEqual(Buffer.from([1, 0, 0, 0, 0, 0, 0, 10]));
    const r = await run('sluice', ['demux'], { input: Buffer.concat([out.stdout, err.stdout]) });
    expect({ code: r.code, out: r.stdout.toString(), err: r.stderr }).toEqual({
      code: 0,
      out: 'to stdout\n',
      err: 'to stderr\n',
    });
  });

  it('a reader that goes away (| head) ends it quietly, exit 0, no stack trace', async () => {
    const errors = join(dir, 'mux-stderr');
    const script = [
      `head -c 20000000 /dev/zero | ${quote(process.execPath)} ${quote(SLUICE)} mux --stream stdout 2>${quote(errors)} | head -c 10 > /dev/null`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash array, not a template
      'exit "${PIPESTATUS[1]}"',
    ].join('\n');
    const r = await run('sh', [`exec bash -c ${quote(script)}`]);
    expect(await readFile(errors, 'utf8')).toBe('');
    expect(r.code).toBe(0);
  });

  it('a file that cannot be read is one line, exit 1', async () => {
    const r = await run('sluice', ['demux', join(dir, 'missing.bin')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `sluice: cannot open ${join(dir, 'missing.bin')}: no such file or directory\n`,
    );
  });
});
