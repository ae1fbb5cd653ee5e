// One vitest run for the whole repo: a project per workspace package. Sources resolve through
// the `@sluice/source` export condition, so no build is needed to test.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Paths from this file, not from the working directory: package scripts run vitest with --root.
const root = fileURLToPath(new URL('.', import.meta.url));
const groups = ['packages', 'apps', 'tools', 'benchmarks'];
const projects = groups.flatMap((group) => {
  const dirs =
    group === 'benchmarks'
      ? [join(root, 'benchmarks')]
      : readdirSync(join(root, group)).map((d) => join(root, group, d));
  return dirs.map((dir) => {
    const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name: string;
    };
    return {
      extends: true as const,
      test: { name, root: dir, include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
    };
  });
});

const conditions = ['@sluice/source', ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    projects,
    reporters: ['default', join(root, 'scripts/vitest/summary-reporter.ts')],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    passWithNoTests: true,
  },
});
