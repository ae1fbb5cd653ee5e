// What importing @sluice/transports costs a program's start-up: a fresh Node process that
// imports the package, against one that does nothing (`node -e 0`, the limit) and against
// one that also loads ws and ssh2, as the package did eagerly before they became lazy (the
// "peer" column). Heap after import is measured by the one-off command in BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchSuite } from '../harness.js';

// From benchmarks/, where @sluice/transports resolves to its built dist.
const cwd = fileURLToPath(new URL('../../', import.meta.url));

function node(code: string): () => void {
  return () => {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd });
    if (run.status !== 0) throw new Error(`node -e failed: ${run.stderr}`);
  };
}

export const suite: BenchSuite = {
  name: 'transports-import',
  cases: [
    {
      name: 'import @sluice/transports (fresh process)',
      sluice: node("await import('@sluice/transports');"),
      peer: node("await import('@sluice/transports'); await import('ws'); await import('ssh2');"),
      peerName: 'same + ws + ssh2 (eager)',
      limit: node('0'),
    },
  ],
};
