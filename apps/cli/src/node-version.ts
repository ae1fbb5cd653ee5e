// The oldest Node every command works on: the packages' `engines` (24.11.1: the 24 LTS line,
// without 24.11.0's zero-filled Buffer.allocUnsafe, which the tests run on). On an older Node
// the command says so in one line instead of failing somewhere inside.
import { CliError } from './errors.js';

/** The oldest Node version sluice's commands run on. */
export const MIN_NODE: readonly [number, number, number] = [24, 11, 1];

/** Whether `version` (`24.11.1`, `v20.20.2`) is MIN_NODE or newer. */
export function recentEnough(version: string): boolean {
  const have = version.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < MIN_NODE.length; i++) {
    const part = have[i] ?? 0;
    if (part !== MIN_NODE[i]) return part > (MIN_NODE[i] as number);
  }
  return true;
}

/** Throws a CliError (exit 1) when `version` (default: this Node's) is older than MIN_NODE. */
export function requireNode(version: string = process.versions.node): void {
  if (recentEnough(version)) return;
  throw new CliError(
    `this needs Node ${MIN_NODE.join('.')} or newer; it is running on Node ${version}`,
    {
      hint: 'install a current Node: sluice is tested on Node 24',
      exitCode: 1,
    },
  );
}
