// Where the repository is, and how to run its own tools from a test.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const repoRoot: string = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Output and status of a finished command. */
export interface Ran {
  status: number;
  output: string;
}

/** Runs a command to completion and returns its exit status and combined output. */
export function runCommand(
  file: string,
  args: string[],
  cwd: string = repoRoot,
  env: NodeJS.ProcessEnv = process.env,
): Ran {
  const result = spawnSync(file, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}

/** Path of a binary installed in the root node_modules. */
export function rootBin(name: string): string {
  return join(repoRoot, 'node_modules', '.bin', name);
}
