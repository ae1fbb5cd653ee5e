// What each new session runs: a fresh container when an engine answers, else (saying so) a
// local shell, so that the start command always shows a working terminal.
import { ConnectError } from '@sluice/stream-core';
import type { Backend, BackendSpec } from './backend.js';
import { type ContainerOptions, startContainer } from './container.js';
import { probeEngine } from './engine.js';
import { type LocalShellOptions, startLocalShell } from './local-shell.js';

/** Where sessions run. */
export interface LauncherOptions {
  /** The container each session gets. */
  container: ContainerOptions;
  /** The fallback shell. */
  localShell: LocalShellOptions;
  /** `'local'` skips Docker altogether; `'auto'` (default) falls back when it fails. */
  mode: 'auto' | 'local' | 'container';
  /** Environment that says where the engine is (DOCKER_HOST). */
  env: NodeJS.ProcessEnv;
  /** Told why a session fell back to the local shell (the server prints it). */
  onFallback: (message: string) => void;
}

/** A started backend and, when it is not what was asked for, why. */
export interface Launched {
  backend: Backend;
  /** Why this session runs a local shell instead of a container. */
  fallback?: string;
}

/** Starts the process of one session. */
export async function launch(spec: BackendSpec, options: LauncherOptions): Promise<Launched> {
  if (options.mode === 'local') return { backend: startLocalShell(spec, options.localShell) };
  const engine = await probeEngine(options.env);
  let problem: string;
  if (engine.reachable) {
    try {
      return { backend: await startContainer(engine.docker, spec, options.container) };
    } catch (error) {
      problem = `the Docker engine at ${engine.address} could not start ${options.container.image}: ${error instanceof Error ? error.message : String(error)}`;
    }
  } else {
    problem = `no Docker engine is reachable at ${engine.address} (${engine.reason})`;
  }
  if (options.mode === 'container') throw new ConnectError(problem);
  const fallback = `${problem}; this terminal is a local shell on the server instead`;
  options.onFallback(fallback);
  return { backend: startLocalShell(spec, options.localShell), fallback };
}
