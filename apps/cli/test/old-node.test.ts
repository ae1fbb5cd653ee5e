// The bundled command on a Node older than the minimum: one line and exit 1, not a crash
// somewhere in a chunk. Run with the machine's own older Node (the test command brings
// Node 24 and puts it first on PATH; CI machines keep their Node 20 beside it).
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { findRealPart } from '@sluice/test-env';
import { describe, expect, it } from 'vitest';
import { MIN_NODE, recentEnough } from '../src/node-version.js';
import { quote, type Ran, run, SLUICE } from './harness.js';

/** `node args` with the given Node binary. */
const runWith = (node: string, args: string[]): Promise<Ran> =>
  run('sh', [[node, ...args].map(quote).join(' ')]);

/** The first `node` on PATH older than MIN_NODE, with its version. */
async function olderNode(): Promise<{ path: string; version: string }> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const path = join(dir, 'node');
    try {
      await access(path, constants.X_OK);
    } catch {
      continue;
    }
    const { stdout } = await runWith(path, ['--version']);
    const version = stdout.toString().trim().replace(/^v/, '');
    if (!recentEnough(version)) return { path, version };
  }
  throw new Error(`no node older than ${MIN_NODE.join('.')} on PATH`);
}

const node = await findRealPart(`a Node older than ${MIN_NODE.join('.')}`, olderNode);

describe.skipIf(!node.available)('on an older Node', () => {
  const { path, version } = node.available ? node.value : { path: '', version: '' };

  it('every command is one line that names both versions, and exit 1', async () => {
    for (const args of [['run', '--rm', 'img', 'true'], ['demux'], ['--help']]) {
      const ran = await runWith(path, [SLUICE, ...args]);
      expect(ran.stderr, args.join(' ')).toBe(
        `sluice: this needs Node ${MIN_NODE.join('.')} or newer; it is running on Node ${version} (install a current Node: sluice is tested on Node 24)\n`,
      );
      expect(ran.code).toBe(1);
      expect(ran.stdout.toString()).toBe('');
    }
  });

  it('--version still answers', async () => {
    const ran = await runWith(path, [SLUICE, '--version']);
    expect(ran.stdout.toString()).toMatch(/^sluice \d+\.\d+\.\d+\n$/);
    expect(ran.code).toBe(0);
  });
});
