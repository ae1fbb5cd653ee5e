// "A changeset for one package bumps only that package": run `changeset version` for real
// on a copy of the workspace's manifests and look at what it bumped.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCommand } from './repo.js';

const manifests = runCommand('git', [
  'ls-files',
  '*package.json',
  'pnpm-workspace.yaml',
  '.changeset/config.json',
])
  .output.split('\n')
  .filter((f) => f !== '' && !f.includes('node_modules'));

const published = manifests
  .filter((f) => f.endsWith('package.json') && f !== 'package.json')
  .map((f) => ({
    file: f,
    pkg: JSON.parse(readFileSync(join(repoRoot, f), 'utf8')) as {
      name: string;
      version: string;
      private?: boolean;
    },
  }))
  .filter(({ pkg }) => !pkg.private);

const work: string[] = [];
afterAll(() => {
  for (const dir of work) rmSync(dir, { recursive: true, force: true });
});

function versionsAfter(changeset: string): Map<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-changesets-'));
  work.push(dir);
  for (const file of manifests) {
    mkdirSync(join(dir, dirname(file)), { recursive: true });
    cpSync(join(repoRoot, file), join(dir, file));
  }
  const git = (...args: string[]) => runCommand('git', args, dir);
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'init');
  writeFileSync(join(dir, '.changeset', 'test-change.md'), changeset);
  const ran = runCommand(
    process.execPath,
    [join(repoRoot, 'node_modules', '@changesets', 'cli', 'bin.js'), 'version'],
    dir,
  );
  expect(ran.status, ran.output).toBe(0);
  return new Map(
    published.map(({ file, pkg }) => [
      pkg.name,
      (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { version: string }).version,
    ]),
  );
}

describe('changesets: independent versions', () => {
  it('there are published packages to version', () => {
    expect(published.map((p) => p.pkg.name)).toEqual(
      expect.arrayContaining(['@sluice/stream-core', '@sluice/cli']),
    );
  });

  it.each(published.map((p) => p.pkg.name))(
    'a patch changeset for %s bumps only that package',
    (name) => {
      const before = new Map(published.map(({ pkg }) => [pkg.name, pkg.version]));
      const after = versionsAfter(`---\n"${name}": patch\n---\n\nA fix.\n`);
      for (const [pkg, version] of after) {
        if (pkg === name) expect(version).not.toBe(before.get(pkg));
        else expect(version, `${pkg} must not be bumped`).toBe(before.get(pkg));
      }
    },
  );
});
