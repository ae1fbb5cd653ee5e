// The bundled command on a Node older than the minimum: one line and exit 1, not a crash
// somewhere in a chunk. Run with the machine's own older Node (the test command brings
// Node 24 and puts it first on PATH; CI machines keep their Node 20 beside it).
import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { findRealPart } from '@sluice/test-env';
import { describe, expect, it } from 'vitest';
import { MIN_NODE } from '../src/node-version.js';
import { SLUICE } from './harness.js';

function runWith(
  node: string,
  args: string[],
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

const older = (version: string): boolean => {
  const have = version.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < MIN_NODE.length; i++) {
    const part = have[i] ?? 0;
    if (part !== MIN_NODE[i]) return part < (MIN_NODE[i] as number);
  }
  return false;
};

/** The first `node` on PATH older than MIN_NODE, with its version. */
async function olderNode(): Promise<{ path: string; version: string }> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const path = join(dir, 'node');
    try {
      await access(path, constants.X_OK);
    } catch {
      continue;
    }
    const { out } = await runWith(path, ['--version']);
    const version = out.trim().replace(/^v/, '');
    if (older(version)) return { path, version };
  }
  throw new Error(`no node older than ${MIN_NODE.join('.')} on PATH`);
}

const node = await findRealPart(`a Node older than ${MIN_NODE.join('.')}`, olderNode);

describe.skipIf(!node.available)('on an older Node', () => {
  const { path, version } = node.available ? node.value : { path: '', version: '' };

  it('every command is one line that names both versions, and exit 1', async () => {
    for (const args of [['run', '--rm', 'img', 'true'], ['demux'], ['--help']]) {
      const ran = await runWith(path, [SLUICE, ...args]);
      expect(ran.err, args.join(' ')).toBe(
        `sluice: this needs Node ${MIN_NODE.join('.')} or newer; it is running on Node ${version} (install a current Node: sluice is tested on Node 24)\n`,
      );
      expect(ran.code).toBe(1);
      expect(ran.out).toBe('');
    }
  });

  it('--version still answers', async () => {
    const ran = await runWith(path, [SLUICE, '--version']);
    expect(ran.out).toMatch(/^sluice \d+\.\d+\.\d+\n$/);
    expect(ran.code).toBe(0);
  });
});
