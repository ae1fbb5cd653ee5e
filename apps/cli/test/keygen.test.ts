// Acceptance: `sluice keygen` writes a fresh key file readable only by its owner, refuses to
// overwrite one, and a key file that cannot be used is one line and exit 1.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './harness.js';

describe('sluice keygen and key files', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-cli-keygen-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a new key, mode 0600, different every time; prints one without FILE', async () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    expect((await run('sluice', ['keygen', a])).code).toBe(0);
    expect((await run('sluice', ['keygen', b])).code).toBe(0);
    expect((await stat(a)).mode & 0o777).toBe(0o600);
    const text = await readFile(a, 'utf8');
    expect(text).toMatch(/^sluice-psk-v1 [A-Za-z0-9_-]{43}\n$/);
    expect(await readFile(b, 'utf8')).not.toBe(text);
    const printed = await run('sluice', ['keygen']);
    expect(printed.stdout.toString()).toMatch(/^sluice-psk-v1 [A-Za-z0-9_-]{43}\n$/);
  });

  it('refuses to overwrite an existing file, and leaves it as it was', async () => {
    const file = join(dir, 'precious');
    await writeFile(file, 'do not touch\n');
    const r = await run('sluice', ['keygen', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `sluice: ${file} already exists (keygen never overwrites a key; remove it first or choose another name)\n`,
    );
    expect(await readFile(file, 'utf8')).toBe('do not touch\n');
  });

  it('an unreadable or malformed key file: one line naming it, exit 1, before connecting', async () => {
    const garbage = join(dir, 'garbage');
    await writeFile(garbage, 'not a key\n');
    const cases: [string, RegExp][] = [
      [join(dir, 'missing'), /cannot read key file .*missing: no such file or directory/],
      [dir, /cannot read key file .*: is a directory/],
      [garbage, /key file .*garbage: not a sluice key file.*sluice keygen FILE/],
    ];
    for (const [file, message] of cases) {
      // Port 9 (discard) would refuse: the key is read first, so that is never reached.
      const r = await run('sluice', ['connect', 'tcp://127.0.0.1:9', '--key-file', file]);
      expect(r.code, file).toBe(1);
      expect(r.stderr, file).toMatch(/^sluice: [^\n]+\n$/);
      expect(r.stderr, file).toMatch(message);
      const s = await run('sluice', ['serve', 'tcp://127.0.0.1:0', '--key-file', file, '--echo']);
      expect(s.code, file).toBe(1);
      expect(s.stderr, file).toMatch(message);
    }
  });
});
