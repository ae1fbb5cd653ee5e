// The bin's guard against Node's exit deadlock: the flags it sets, when, and on which Node.
// (Whether the deadlock is gone is a matter of rates, measured by
// scripts/stress/exit-deadlock.mjs; this checks what the bin does.)
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  avoidExitDeadlock,
  type ExitDeadlockHost,
  MAIN_THREAD_CODE_FLAGS,
} from './exit-deadlock.js';

function host(nodeVersion: string): ExitDeadlockHost & { set: string[] } {
  const set: string[] = [];
  return { nodeVersion, set, setFlags: (flags) => set.push(flags) };
}

describe('avoidExitDeadlock', () => {
  it('has V8 build all compiled code on the main thread, on Node 24', () => {
    const h = host('24.11.1');
    avoidExitDeadlock(h);
    expect(h.set).toEqual([
      '--no-concurrent-sparkplug --no-maglev-build-code-on-background --no-maglev-deopt-data-on-background',
    ]);
  });

  it('leaves other Node versions alone', () => {
    for (const version of ['20.20.2', '22.15.0', '25.0.0']) {
      const h = host(version);
      avoidExitDeadlock(h);
      expect(h.set, version).toEqual([]);
    }
  });

  it("names flags this Node's V8 knows (an unknown one prints an error)", () => {
    const stderrOf = (flags: string): string =>
      spawnSync(
        process.execPath,
        ['-e', `require('node:v8').setFlagsFromString(${JSON.stringify(flags)})`],
        { encoding: 'utf8' },
      ).stderr;
    expect(stderrOf(MAIN_THREAD_CODE_FLAGS)).toBe('');
    expect(stderrOf('--no-such-v8-flag-here')).toContain('unrecognized flag');
  });
});
