// One vitest run for the whole repo: a project per workspace package. Sources resolve through
// the `@sluice/source` export condition, so no build is needed to test.
import { readdirSync, readFileSync } from 'node:fs';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

const groups = ['packages', 'apps', 'tools', 'benchmarks'];
const projects = groups.flatMap((group) => {
  const dirs =
    group === 'benchmarks' ? ['benchmarks'] : readdirSync(group).map((d) => `${group}/${d}`);
  return dirs.map((dir) => {
    const { name } = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as { name: string };
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
    reporters: ['default', './scripts/vitest/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    passWithNoTests: true,
  },
});
