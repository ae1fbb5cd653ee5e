// `@sluice/transports/compliance` as a third party uses it: imported by package name in a
// fresh process and registered with node:test (not vitest), it runs its checks against a
// transport and reports them to that runner.
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runTsToEnd } from '../compliance/run-ts.js';

it('runs under node:test, imported as @sluice/transports/compliance', async () => {
  const run = await runTsToEnd(
    fileURLToPath(new URL('../compliance/node-test-probe.ts', import.meta.url)),
  );
  const { code } = run;
  const out = run.out + run.err;
  // node:test's report (spec reporter on a terminal-less stdout prints "ℹ pass 5").
  expect(out).toMatch(/(#|ℹ) pass 5\b/);
  expect(out).toMatch(/(#|ℹ) fail 0\b/);
  for (const check of [
    'echo',
    '64 MiB with backpressure',
    'half-close',
    'peer crash',
    'close() is idempotent',
  ]) {
    expect(out).toContain(check);
  }
  expect(code).toBe(0);
});
