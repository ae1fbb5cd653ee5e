// One error printer for every command: a failure becomes one line that says what went wrong
// and what to do, and an exit code as the Docker CLI's (measured against it in the tests):
// 125 for usage errors (and, for `run`, anything before the container starts), 1 for other
// failures of a command, the container's or process's own code otherwise.
// Errors are recognised by their stable `code`/`name`, not by `instanceof`, so that printing
// one does not load the package that threw it.

/** Exit code of a usage error, and of `run` failing before the container starts. */
export const USAGE_EXIT_CODE = 125;

/** Options of a `CliError`. */
export interface CliErrorOptions {
  /** What to do about it, appended to the message. */
  hint?: string;
  /** The exit code; default: the command's failure code (125 for `run`, else 1). */
  exitCode?: number;
  /** The error this one explains. */
  cause?: unknown;
}

/** A failure the command has already put into words. */
export class CliError extends Error {
  /** What to do about it. */
  readonly hint: string | undefined;
  /** The exit code, when the failure fixes one. */
  readonly exitCode: number | undefined;

  constructor(message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.hint = options.hint;
    this.exitCode = options.exitCode;
  }
}

/**
 * A usage error (bad flag value, missing argument) of `command` (`''`: of the program), with
 * where to look: exit code 125 unless `exitCode` says otherwise.
 */
export function usageError(
  message: string,
  command: string,
  exitCode: number = USAGE_EXIT_CODE,
): CliError {
  const where = command === '' ? 'sluice' : `sluice ${command}`;
  return new CliError(message, { hint: `see '${where} --help'`, exitCode });
}

/** The commands that talk to a Docker engine. */
const DOCKER_COMMANDS = new Set(['run', 'exec', 'attach', 'logs']);

interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  reason?: string;
  statusCode?: number;
  json?: { message?: string };
  detail?: string;
  path?: string;
  syscall?: string;
  cause?: unknown;
}

/** What a failure prints and which code it exits with. */
export interface Described {
  /** The one line (without the `sluice: ` prefix and newline). */
  line: string;
  /** The process's exit code. */
  exitCode: number;
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? text).trim();
}

function join(message: string, hint: string | undefined): string {
  return hint ? `${message} (${hint})` : message;
}

/** The engine's own message of a dockerode/EngineError failure. */
function engineMessage(e: ErrorLike): string {
  const text = e.detail || (e.json?.message ?? e.message ?? 'the engine refused');
  return firstLine(text.replace(/^\(HTTP code \d+\)[^-]*- /, ''));
}

function engineHint(status: number, message: string): string | undefined {
  if (status === 404 && /no such image|not found|pull access/i.test(message)) {
    return "pull or build it first; 'docker images' lists what the engine has";
  }
  if (status === 404) return "check the name or ID; 'docker ps -a' lists the containers";
  if (status === 409) return 'the container is in a state that does not allow this';
  return undefined;
}

/** The code of the Node error under a ConnectError (EADDRINUSE, ECONNREFUSED, …). */
function systemCode(e: ErrorLike): string | undefined {
  const cause = e.cause as ErrorLike | undefined;
  if (cause && typeof cause === 'object' && typeof cause.code === 'string') return cause.code;
  return /\b(E[A-Z]{3,})\b/.exec(e.message ?? '')?.[1];
}

/** What a failed file operation means, by Node's error code (one table for every command). */
export const FILE_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  EEXIST: 'already exists',
  ENOTDIR: 'a part of the path is not a directory',
  EPERM: 'operation not permitted',
};

/** What a failed connect or listen means, and what to do, by Node's error code. */
const REASONS: Record<string, [string, string | undefined]> = {
  EADDRINUSE: ['address already in use', 'pick another port, or port 0 for a free one'],
  ECONNREFUSED: ['connection refused', 'is a sluice serve listening there?'],
  ENOENT: ['no such socket', 'is a sluice serve listening there?'],
  EACCES: ['permission denied', undefined],
  EADDRNOTAVAIL: [
    'address not available on this machine',
    'listen on an address of this machine, or 0.0.0.0',
  ],
  ENOTFOUND: ['host name not found', 'check the host name'],
  EHOSTUNREACH: ['host unreachable', undefined],
  ETIMEDOUT: ['timed out', 'is the peer reachable?'],
};

function connectLine(e: ErrorLike, message: string, docker: boolean): string {
  if (docker) {
    return join(
      `cannot connect to the Docker engine: ${message}`,
      'is it running? Choose one with --host, DOCKER_HOST or --context',
    );
  }
  if (
    /unsupported scheme|not a URL|no port|no host|absolute path|needs a certificate/.test(message)
  ) {
    return join(message, "see 'sluice serve --help' and 'sluice connect --help' for the URL forms");
  }
  const code = systemCode(e);
  const reason = code === undefined ? undefined : REASONS[code];
  if (reason === undefined) return join(message, 'check the URL and that the peer is reachable');
  // Node's words repeat themselves ("ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1"): the
  // target in the message, then the reason in plain words.
  const target = /\(([^)]+)\)/.exec(message)?.[1];
  const listening = e.syscall === 'listen' || /\blisten\b/.test(message);
  const what = listening ? 'cannot listen on' : 'cannot connect to';
  return join(`${what} ${target ?? 'the peer'}: ${reason[0]}`, reason[1]);
}

/** Turns any error into the line to print and the exit code, for `command`. */
export function describeError(error: unknown, command: string): Described {
  const failure = command === 'run' ? USAGE_EXIT_CODE : 1;
  if (error instanceof CliError) {
    return { line: join(error.message, error.hint), exitCode: error.exitCode ?? failure };
  }
  const e = (
    typeof error === 'object' && error !== null ? error : { message: String(error) }
  ) as ErrorLike;
  const message = firstLine(e.message ?? String(error));
  const docker = DOCKER_COMMANDS.has(command);

  if (
    typeof e.statusCode === 'number' &&
    (e.code === 'ERR_SLUICE_ENGINE' || e.json !== undefined || docker)
  ) {
    const text = engineMessage(e);
    return {
      line: join(`Error response from daemon: ${text}`, engineHint(e.statusCode, text)),
      exitCode: failure,
    };
  }
  switch (e.code) {
    case 'ERR_SLUICE_CONNECT':
      return { line: connectLine(e, message, docker), exitCode: failure };
    case 'ERR_SLUICE_ENCRYPTION':
      if (e.reason === 'bad-key') {
        return {
          line: join("the key does not match the peer's", 'both sides need the same --key-file'),
          exitCode: failure,
        };
      }
      if (e.reason === 'handshake-timeout') {
        return { line: join(message, 'is the peer a sluice with --key-file?'), exitCode: failure };
      }
      return { line: message, exitCode: failure };
    case 'ERR_SLUICE_AUTHENTICATION':
      return {
        line: join(message, 'check the certificate, host key or credentials'),
        exitCode: failure,
      };
    case 'ERR_SLUICE_TIMEOUT':
      return { line: join(message, 'is the peer reachable and answering?'), exitCode: failure };
    case 'ERR_SLUICE_CONNECTION_LOST':
      return { line: join(message, 'the peer went away'), exitCode: failure };
    case 'ENOENT':
    case 'EACCES':
    case 'EISDIR':
    case 'EPERM':
      if (e.path) {
        return { line: `cannot open ${e.path}: ${FILE_REASONS[e.code]}`, exitCode: failure };
      }
      break;
    case 'EPIPE':
      return { line: 'output closed early (broken pipe)', exitCode: failure };
  }
  if (e.name === 'TypeError' || e.name === 'RangeError')
    return { line: message, exitCode: failure };
  return { line: message, exitCode: failure };
}
