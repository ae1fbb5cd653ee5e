// dockerode is an optional peer dependency: the caller brings it (and its instance) when it
// wants dockerode's API. Loaded only when `engine.docker` is first read (a synchronous
// require: dockerode is CommonJS), with a clear error when it is missing or too old.
import { StreamError } from '@sluice/stream-core';
import type Docker from 'dockerode';

/** The oldest dockerode major version this package works with. */
export const MIN_DOCKERODE_MAJOR = 4;

/** The dockerode constructor, or a `StreamError` saying how to install it. */
export function requireDockerode(): typeof Docker {
  // node:module read here, not imported: its load is start-up every engine would pay.
  const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
  let Dockerode: unknown;
  try {
    Dockerode = require('dockerode');
  } catch (error) {
    throw new StreamError(
      `@sluice/pty-attach needs dockerode (a peer dependency) for engine.docker: npm install dockerode@>=${MIN_DOCKERODE_MAJOR}`,
      { cause: error },
    );
  }
  let version = '';
  try {
    version = (require('dockerode/package.json') as { version?: string }).version ?? '';
  } catch {
    // No readable package.json: trust the module that loaded.
  }
  const problem = dockerodeVersionProblem(version);
  if (problem) throw new StreamError(problem);
  if (typeof Dockerode !== 'function') {
    throw new StreamError('@sluice/pty-attach: the installed dockerode exports no constructor');
  }
  return Dockerode as typeof Docker;
}

/** Why dockerode `version` will not do, or undefined when it will (or is unknown). */
export function dockerodeVersionProblem(version: string): string | undefined {
  const major = Number(version.split('.')[0]);
  if (version === '' || !Number.isFinite(major) || major >= MIN_DOCKERODE_MAJOR) return undefined;
  return `@sluice/pty-attach needs dockerode ${MIN_DOCKERODE_MAJOR} or later, found ${version}: npm install dockerode@>=${MIN_DOCKERODE_MAJOR}`;
}
