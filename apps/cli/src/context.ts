// What every command gets: where to write, and the global options.
import type { CliIo } from './io.js';

/** The global options (before the command name, as the Docker CLI's). */
export interface GlobalOptions {
  /** `-H/--host`: the engine's address; default `DOCKER_HOST`. */
  host?: string;
  /** `-c/--context`: a Docker CLI context; default `DOCKER_CONTEXT`, then the CLI's current one. */
  context?: string;
  /** `-v/--verbose`: print stack traces and causes on failure. */
  verbose?: boolean;
}

/** The context a command runs in. */
export interface Context {
  /** Where to write. */
  io: CliIo;
  /** The global options. */
  globals: GlobalOptions;
}
