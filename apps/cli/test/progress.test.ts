// Acceptance: a long transfer shows a progress line (bytes, bytes/s) when stderr is a
// terminal, and writes nothing extra when it is not.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quote, run, SLUICE, Terminal } from './harness.js';
import { type Served, serve } from './serve-harness.js';

// A peer that sends for about three seconds: 3 × 256 KiB, a second apart.
const SLOW = "sh -c 'for i in 1 2 3; do head -c 262144 /dev/zero; sleep 1; done'";

describe('progress line of connect', () => {
  let dir = '';
  let server: Served;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-cli-progress-'));
    server = await serve(['tcp://127.0.0.1:0', '--exec', SLOW]);
  });
  afterAll(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('stderr a terminal: bytes and bytes/s while it runs, the line cleared at the end', async () => {
    const out = join(dir, 'out');
    // stdout to a file; stderr is the terminal.
    const script = `${quote(process.execPath)} ${quote(SLUICE)} connect ${server.url} > ${quote(out)} < /dev/null; echo "@@EXIT $?@@"`;
    const t = new Terminal('sh', [script]);
    try {
      const m = await t.waitFor(/connect: (\d+\.\d) (KiB|MiB), (\d+\.\d) (B|KiB|MiB)\/s/);
      expect(Number(m[1])).toBeGreaterThan(0);
      await t.waitFor('@@EXIT 0@@');
      expect(t.screen).toContain('\r\x1b[K');
      expect((await readFile(out)).length).toBe(3 * 262144);
    } finally {
      t.kill();
    }
  });

  it('stderr not a terminal: nothing but the data', async () => {
    const r = await run('sluice', ['connect', server.url]);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(3 * 262144);
    expect(r.stderr).toBe('');
  });
});
