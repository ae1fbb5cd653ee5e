// spawnStream: a child process's stdin/stdout as a Stream (the seed's
// `create_pipe_stream`). Its stderr is surfaced (a live Readable, and its tail in error
// messages), its exit is awaitable, and closing the stream ends stdin, then terminates and
// reaps the child if it does not exit by itself.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { ConnectError, ConnectionLostError } from '@sluice/stream-core';
import { checkOptions, type OptionNames, STREAM_OPTION_NAMES } from './option-names.js';
import { PipeStream } from './pipe.js';
import type { TransportStreamOptions } from './stream-options.js';
import { traceError } from './trace.js';

/** Options of `spawnStream`. */
export interface SubprocessOptions extends TransportStreamOptions {
  /** Working directory of the child. */
  cwd?: string;
  /** Environment of the child (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** How long `close()` waits for the child to exit after its stdin ends, in ms (default 2000). */
  exitGraceMs?: number;
  /** How many characters of stderr to keep for error messages (default 8192). */
  stderrTail?: number;
}

/** The names of `SubprocessOptions`. */
export const SUBPROCESS_OPTION_NAMES: OptionNames<SubprocessOptions> = {
  ...STREAM_OPTION_NAMES,
  cwd: true,
  env: true,
  exitGraceMs: true,
  stderrTail: true,
};

/** How a child ended: its exit code, or the signal that killed it. */
export interface ExitStatus {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  /** The signal that ended it, or null. */
  signal: NodeJS.Signals | null;
}

type Child = ChildProcessByStdio<Writable, Readable, Readable>;

/** A PipeStream to a subprocess. */
export class SubprocessStream extends PipeStream {
  /** The child process. */
  readonly child: Child;
  /** The child's stderr, live. Read it, or it is only kept as a tail. */
  readonly stderr: Readable;
  /** Resolves when the child has exited and been reaped. */
  readonly exited: Promise<ExitStatus>;
  #status: ExitStatus | undefined;
  #stderrTail = '';
  readonly #graceMs: number;
  #closing: Promise<void> | undefined;
  #stopping = false;

  constructor(child: Child, options: SubprocessOptions = {}) {
    // 'exit': the child is gone and reaped ('close' would also wait for every process that
    // inherited its stdio).
    const exited = new Promise<ExitStatus>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    const graceMs = options.exitGraceMs ?? 2000;
    super(child.stdout, child.stdin, {
      readTimeoutMs: options.readTimeoutMs,
      writeTimeoutMs: options.writeTimeoutMs,
      ...(options.maxBufferSize === undefined ? {} : { maxBufferSize: options.maxBufferSize }),
      hooks: {
        // stdout ended: report a child that died or failed instead of a clean end of stream.
        // A child that closes stdout and lives on ends the stream cleanly after the grace period.
        beforeEnd: async () => {
          const status = await Promise.race([
            this.exited,
            new Promise<undefined>((resolve) =>
              setTimeout(() => resolve(undefined), graceMs).unref(),
            ),
          ]);
          if (!status || this.#stopping) return undefined;
          if (status.code === 0 && status.signal === null) return undefined;
          return new ConnectionLostError(`${this.#describe()} ${this.#exitText(status)}`);
        },
        release: () => {
          child.stdout.destroy();
          if (!child.stdin.writableEnded) child.stdin.destroy();
        },
      },
    });
    this.child = child;
    this.stderr = child.stderr;
    this.#graceMs = graceMs;
    const keep = options.stderrTail ?? 8192;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      this.#stderrTail = (this.#stderrTail + text).slice(-keep);
    });
    // EPIPE is reported through the Stream; a failed kill() by the exit status.
    child.stdin.on('error', traceError(`subprocess ${child.pid}: stdin`));
    child.on('error', traceError(`subprocess ${child.pid}`));
    this.exited = exited.then((status) => {
      this.#status = status;
      return status;
    });
  }

  /** The child's exit code once it exited (null while running or when a signal ended it). */
  get exitCode(): number | null {
    return this.#status?.code ?? null;
  }

  /** The last bytes the child wrote to stderr. */
  get stderrText(): string {
    return this.#stderrTail;
  }

  #describe(): string {
    return `subprocess ${this.child.spawnfile} (pid ${this.child.pid})`;
  }

  #exitText(status: ExitStatus): string {
    const how = status.signal
      ? `was killed by ${status.signal}`
      : `exited with code ${status.code}`;
    const tail = this.#stderrTail.trim();
    return tail ? `${how}; stderr: ${tail}` : how;
  }

  /**
   * Flushes and ends the child's stdin, waits `exitGraceMs` for it to exit, then sends
   * SIGTERM, and SIGKILL a grace period later; resolves once it is reaped. Idempotent.
   */
  override close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#stopping = true;
      await super.close().catch(() => {});
      if (this.#status) return;
      if (!this.child.stdin.writableEnded) this.child.stdin.end();
      const ended = (ms: number): Promise<boolean> =>
        Promise.race([
          this.exited.then(() => true),
          new Promise<boolean>((resolve) => setTimeout(resolve, ms, false).unref()),
        ]);
      if (await ended(this.#graceMs)) return;
      this.child.kill('SIGTERM');
      if (await ended(this.#graceMs)) return;
      this.child.kill('SIGKILL');
      await this.exited;
    })();
    return this.#closing;
  }
}

/**
 * Starts `cmdArgs[0]` with the rest as its arguments (no shell) and speaks over its
 * stdin/stdout. Rejects with `ConnectError` when it cannot be started.
 */
export async function spawnStream(
  cmdArgs: readonly string[],
  options: SubprocessOptions = {},
): Promise<SubprocessStream> {
  checkOptions('spawnStream', options, SUBPROCESS_OPTION_NAMES);
  if (!Array.isArray(cmdArgs) || cmdArgs.some((arg) => typeof arg !== 'string')) {
    throw new TypeError('spawnStream: cmdArgs must be an array of strings');
  }
  const [command, ...args] = cmdArgs;
  if (!command) throw new TypeError('spawnStream needs a command (cmdArgs is empty)');
  const child = spawn(command, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', (error) =>
      reject(new ConnectError(`cannot start ${command}: ${error.message}`, { cause: error })),
    );
  });
  return new SubprocessStream(child, options);
}
