// dockerode is a peer dependency: the caller brings it (and its instance). Loaded only by
// `resolveEngine`, with a clear error when it is missing or older than this package needs.
import { StreamError } from '@sluice/stream-core';
import type Docker from 'dockerode';

/** The oldest dockerode major version this package works with. */
export const MIN_DOCKERODE_MAJOR = 4;

/** The dockerode constructor, or a `StreamError` saying how to install it. */
export async function loadDockerode(): Promise<typeof Docker> {
  let mod: { default: typeof Docker };
  try {
    mod = (await import('dockerode')) as { default: typeof Docker };
  } catch (error) {
    throw new StreamError(
      `@sluice/pty-attach needs dockerode (a peer dependency): npm install dockerode@>=${MIN_DOCKERODE_MAJOR}`,
      { cause: error },
    );
  }
  const { createRequire } = await import('node:module');
  let version = '';
  try {
    const require = createRequire(import.meta.url);
    version = (require('dockerode/package.json') as { version?: string }).version ?? '';
  } catch {
    // No readable package.json: trust the module that loaded.
  }
  const problem = dockerodeVersionProblem(version);
  if (problem) throw new StreamError(problem);
  if (typeof mod.default !== 'function') {
    throw new StreamError('@sluice/pty-attach: the installed dockerode exports no constructor');
  }
  return mod.default;
}

/** Why dockerode `version` will not do, or undefined when it will (or is unknown). */
export function dockerodeVersionProblem(version: string): string | undefined {
  const major = Number(version.split('.')[0]);
  if (version === '' || !Number.isFinite(major) || major >= MIN_DOCKERODE_MAJOR) return undefined;
  return `@sluice/pty-attach needs dockerode ${MIN_DOCKERODE_MAJOR} or later, found ${version}: npm install dockerode@>=${MIN_DOCKERODE_MAJOR}`;
}
