// The oldest Node every command works on: the packages' `engines` (24.11, the first release of
// the 24 LTS line, which the tests run on). On an older Node the command says so in one line
// instead of failing somewhere inside.
import { CliError } from './errors.js';

/** The oldest Node version sluice's commands run on. */
export const MIN_NODE: readonly [number, number] = [24, 11];

/** Throws a CliError (exit 1) when `version` (default: this Node's) is older than MIN_NODE. */
export function requireNode(version: string = process.versions.node): void {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1])) return;
  throw new CliError(
    `this needs Node ${MIN_NODE.join('.')} or newer; it is running on Node ${version}`,
    {
      hint: 'install a current Node: sluice is tested on Node 24',
      exitCode: 1,
    },
  );
}
