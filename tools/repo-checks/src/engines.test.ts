// "Running it again reuses everything": the engine script finds the engine and image the
// test command already set up, and neither reinstalls nor re-imports.
import { join } from 'node:path';
import { dockerEngine } from '@sluice/test-env';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCommand } from './repo.js';

const engine = await dockerEngine();

describe.skipIf(!engine.available)('scripts/engines/docker.sh', () => {
  it('reuses the running engine and the imported image', () => {
    const ran = runCommand('bash', [join(repoRoot, 'scripts', 'engines', 'docker.sh')]);
    expect(ran.status, ran.output).toBe(0);
    expect(ran.output).toMatch(/reusing the engine on \/var\/run\/docker\.sock \(Engine \d+/);
    expect(ran.output).toContain('reusing image sluice-test/busybox:latest');
    expect(ran.output).not.toMatch(/installing|starting dockerd|importing/);
  });
});
