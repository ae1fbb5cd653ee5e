/**
 * `@sluice/pty-attach`: interactive Docker attach and exec from Node, as good as the Docker
 * CLI — raw mode exactly as moby/term, resize, detach keys, stdin half-close, exit codes,
 * one hijacked connection per session. The successor of dockerpty.
 *
 * @example
 * ```ts
 * import { attach, exec, resolveEngine } from '@sluice/pty-attach';
 *
 * const engine = await resolveEngine(); // as the Docker CLI finds it; a dockerode instance works too
 * const { exitCode, detached } = await attach(engine, 'my-container').result;
 * const shell = exec(engine, 'my-container', ['sh']);
 * process.exitCode = (await shell.result).exitCode;
 * ```
 * @packageDocumentation
 */

// The rest of the error family a session can reject with, so callers catch it from here.
export {
  AuthenticationError,
  BufferOverflowError,
  ConnectError,
  ConnectionLostError,
  DaemonError,
  ProtocolError,
  StreamError,
  TimeoutError,
} from '@sluice/stream-core';
export { type AttachOptions, attach } from './attach.js';
export { DEFAULT_DETACH_KEYS, parseDetachKeys } from './detach-keys.js';
export { DetachMatcher, type MatchResult } from './detach-matcher.js';
export {
  type DockerOrEngine,
  type Engine,
  type ResolveEngineOptions,
  resolveEngine,
} from './engine.js';
export { DetachKeysError, EngineError, NotATerminalError, UpgradeError } from './errors.js';
export { type ExecOptions, exec, startExec } from './exec.js';
export { startFailureExitCode } from './exit-code.js';
export { MAX_REPLY_BODY, MAX_REPLY_HEAD } from './http-reply.js';
export type { Input, Output } from './io.js';
export { isUsableSize, type ResizeFn, resizeWithRetries, type TerminalSize } from './resize.js';
export { type RunOptions, type RunSession, run } from './run.js';
export {
  ABORTED_EXIT_CODE,
  Session,
  type SessionOptions,
  type SessionResult,
} from './session.js';
export type { SshEngineOptions } from './ssh-dial.js';
export { MOBY_RAW_STTY_ARGS, Terminal, terminalSize } from './terminal.js';
export { DEFAULT_ENGINE_TIMEOUT_MS, type EngineTimeouts } from './timeouts.js';
