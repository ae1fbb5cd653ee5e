// "Running it again reuses everything": the test command has already bootstrapped this
// checkout, so another run must reuse Node, pnpm, the dependencies and the build.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, rootBin, runCommand } from './repo.js';

// A Node older than 24.11.1 on this machine, to check the path that brings Node 24.11.1 (CI and a
// fresh machine have Node 20 as `node` outside the bootstrapped folder).
function olderNode(): string | undefined {
  const dirs = (process.env.PATH ?? '')
    .split(':')
    .filter((d) => d !== '' && !d.startsWith(repoRoot));
  for (const dir of [...dirs, '/usr/local/bin', '/usr/bin']) {
    const bin = join(dir, 'node');
    if (!existsSync(bin)) continue;
    const version = runCommand(bin, ['--version']).output.trim();
    const [major = 0, minor = 0, patch = 0] = version.replace('v', '').split('.').map(Number);
    if (major < 24 || (major === 24 && (minor < 11 || (minor === 11 && patch < 1)))) return bin;
  }
  return undefined;
}

describe('bootstrap: a second run reuses what is there', () => {
  // Generous: under `turbo run test` it shares two cores with every other package's tests.
  it('reuses pnpm, the dependencies and the build', { timeout: 120_000 }, () => {
    const ran = runCommand(process.execPath, [join(repoRoot, 'scripts', 'bootstrap.mjs'), 'setup']);
    expect(ran.status, ran.output).toBe(0);
    expect(ran.output).toContain('is ready in .tools/pnpm');
    expect(ran.output).toContain('dependencies are up to date');
    expect(ran.output).not.toMatch(/installing (Node|pnpm|dependencies)/);
  });

  const old = olderNode();
  it.skipIf(old === undefined && process.env.CI === undefined)(
    'under an older Node it reuses the Node 24.11.1 in .tools/node instead of installing it again',
    { timeout: 120_000 },
    () => {
      expect(old, 'CI machines have a Node older than 24.11.1 outside .tools').toBeDefined();
      const ran = runCommand(old as string, [join(repoRoot, 'scripts', 'bootstrap.mjs'), 'setup']);
      expect(ran.status, ran.output).toBe(0);
      expect(ran.output).toMatch(/using \.tools\/node \(Node v24\.11\.1\)/);
      expect(ran.output).not.toMatch(/installing (Node|pnpm|dependencies)/);
    },
  );

  it('serves every package build from turbo cache on a repeated run', () => {
    const ran = runCommand(rootBin('turbo'), ['run', 'build', '--dry=json'], repoRoot, {
      ...process.env,
      TURBO_TELEMETRY_DISABLED: '1',
    });
    expect(ran.status, ran.output).toBe(0);
    const plan = JSON.parse(ran.output.slice(ran.output.indexOf('{'))) as {
      tasks: { taskId: string; command: string; cache: { status: string } }[];
    };
    const builds = plan.tasks.filter(
      (t) => t.taskId.endsWith('#build') && t.command !== '<NONEXISTENT>',
    );
    expect(builds.length).toBeGreaterThanOrEqual(readdirSync(join(repoRoot, 'packages')).length);
    for (const task of builds)
      expect(task.cache.status, `${task.taskId} was not cached`).toBe('HIT');
  });
});
