// What attach, exec and startExec share: the caller's options, the terminal in raw mode for
// the session's lifetime, resizes (initial with retries, on SIGWINCH, on demand), and the
// copying over the hijacked socket. `Session` is the handle a program holds.
import type { Readable, Writable } from 'node:stream';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from './detach-keys.js';
import { NotATerminalError } from './errors.js';
import {
  fdOf,
  type Input,
  isProcessStdio,
  isTTYStream,
  type Output,
  toReadable,
  toWritable,
} from './io.js';
import { isUsableSize, type ResizeFn, resizeWithRetries, type TerminalSize } from './resize.js';
import { Terminal } from './terminal.js';
import type { EngineTimeouts } from './timeouts.js';
import type { Hijacked } from './upgrade.js';

/** Options every kind of session takes. */
export interface SessionOptions {
  /** Where keystrokes or data come from; default `process.stdin`. `null` attaches no stdin. */
  stdin?: Input | null;
  /** Where the container's stdout goes (and, with a TTY, its stderr); default `process.stdout`. */
  stdout?: Output;
  /** Where the container's stderr goes without a TTY; default `process.stderr`. */
  stderr?: Output;
  /** Attach stdin at all; default: the container was created with `OpenStdin` (exec: true). */
  interactive?: boolean;
  /** Detach sequence in the Docker CLI's format; default `ctrl-p,ctrl-q`; `''` disables it. */
  detachKeys?: string;
  /** Initial TTY size when stdout is not a terminal (a program drives the session). */
  size?: TerminalSize;
  /** Put a terminal stdin in raw mode; default true (only a real terminal is affected). */
  rawMode?: boolean;
  /** End `stdout`/`stderr` when the output ends; default: each one unless it is the process's. */
  endOutputs?: boolean;
  /** Called with a warning the CLI would print (e.g. "failed to resize tty, using default size"). */
  onWarning?: (message: string) => void;
  /**
   * Ends the session when aborted, as `close()` does: the hijacked socket is released, the
   * terminal restored, and `result` resolves with `aborted: true`.
   */
  signal?: AbortSignal;
  /**
   * Bounds of the engine's answers before the session streams (inspect, the upgrade, the
   * wait registration), in ms; each defaults to the engine's timeout or 30 s. Ends in
   * `TimeoutError`. The streaming is never bounded.
   */
  timeouts?: EngineTimeouts;
}

/** How a session ended. */
export interface SessionResult {
  /** run/attach: the container's exit status; exec: `ExitCode`; 125/126/127 on start failure. */
  exitCode: number;
  /** True when the detach keys (or `detach()`) ended the session; the container keeps running. */
  detached: boolean;
  /** Why the process did not start, when it did not (the engine's message). */
  error?: Error;
  /** True when `close()` or the `signal` ended the session (`exitCode` is then 130). */
  aborted?: boolean;
}

/** The exit code of a session the caller ended (`close()`, `signal`), as a shell after ^C. */
export const ABORTED_EXIT_CODE = 130;

// Thrown inside a session's body when it was aborted while waiting for the engine.
class Aborted extends Error {}

/** The caller's stdio, resolved to Node streams. */
export interface ResolvedIo {
  stdin: Readable | undefined;
  stdout: Writable;
  stderr: Writable;
  /** The terminal fd of stdin to put in raw mode, when stdin is a terminal (and raw mode is on). */
  terminalFd: number | undefined;
  /** True when stdout is the process's own TTY (sizes and SIGWINCH come from it). */
  stdoutTty: NodeJS.WriteStream | undefined;
  /** End stdout / stderr at the end of the output (never the process's own). */
  endStdout: boolean;
  endStderr: boolean;
  detachKeys: Uint8Array;
}

function abortedResult(): SessionResult {
  return { exitCode: ABORTED_EXIT_CODE, detached: false, aborted: true };
}

// Loaded on first use: node:tty costs start-up.
const isatty = (fd: number): boolean => process.getBuiltinModule('node:tty').isatty(fd);

/** Resolves the caller's options against the process's stdio; validates the detach keys. */
export function resolveIo(o: SessionOptions, interactive: boolean, tty: boolean): ResolvedIo {
  const detachKeys = parseDetachKeys(o.detachKeys ?? DEFAULT_DETACH_KEYS);
  const rawStdin = interactive
    ? o.stdin === undefined
      ? process.stdin
      : (o.stdin ?? undefined)
    : undefined;
  const stdin = rawStdin === undefined ? undefined : toReadable(rawStdin);
  const fd = fdOf(rawStdin);
  if (tty && stdin !== undefined && fd !== undefined && !isatty(fd)) throw new NotATerminalError();
  const stdoutRaw = o.stdout ?? process.stdout;
  // Without a TTY only: a TTY session never writes to stderr (and must not open it).
  const stderrRaw = o.stderr ?? (tty ? stdoutRaw : process.stderr);
  return {
    stdin,
    stdout: toWritable(stdoutRaw),
    stderr: toWritable(stderrRaw),
    terminalFd: fd !== undefined && isatty(fd) && o.rawMode !== false ? fd : undefined,
    stdoutTty: isTTYStream(stdoutRaw) ? (stdoutRaw as NodeJS.WriteStream) : undefined,
    endStdout: o.endOutputs ?? (o.stdout !== undefined && !isProcessStdio(o.stdout, 1)),
    endStderr: o.endOutputs ?? (o.stderr !== undefined && !isProcessStdio(o.stderr, 2)),
    detachKeys: tty && stdin !== undefined ? detachKeys : new Uint8Array(0),
  };
}

/** A running attach or exec session. */
export class Session {
  /** Settles once the session is over; rejects on a failure before or while attached. */
  readonly result: Promise<SessionResult>;
  #resize: ResizeFn | undefined;
  #size: TerminalSize | undefined;
  // Settles once the TTY's size is wired (the first sizes applied), or the session is over.
  #sizedNow!: () => void;
  readonly #sized = new Promise<void>((resolve) => {
    this.#sizedNow = resolve;
  });
  #stop: (() => void) | undefined;
  #stopRequested = false;
  readonly #abort = new AbortController();

  /**
   * Runs `body` as this session; `body` gets the session to register its parts on. An
   * aborted `signal` (or `close()`) ends it.
   */
  constructor(body: (session: Session) => Promise<SessionResult>, signal?: AbortSignal) {
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new TypeError('options.signal must be an AbortSignal');
    }
    const onAbort = (): void => this.#abort.abort(signal?.reason);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    // Deferred a tick so `body` sees a fully constructed session.
    this.result = Promise.resolve()
      .then(() => {
        this.#throwIfAborted();
        return body(this);
      })
      .then(
        (result) => (this.aborted ? abortedResult() : result),
        (error: unknown) => {
          if (this.aborted) return abortedResult();
          throw error;
        },
      )
      .finally(() => {
        signal?.removeEventListener('abort', onAbort);
        this.#sizedNow();
      });
  }

  /** True once the session was aborted (`close()` or its signal). */
  get aborted(): boolean {
    return this.#abort.signal.aborted;
  }

  /** Aborted when the session is: for the session's own requests to the engine. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /**
   * Ends the session now, whatever it is doing: the hijacked socket is released, the
   * terminal restored, `result` resolves with `{ aborted: true, exitCode: 130 }`, and what
   * the options say about the container happens (`run` with `remove: true` removes it).
   * Resolves once all of that is done; never rejects.
   */
  close(): Promise<void> {
    if (!this.aborted) this.#abort.abort(new DOMException('the session was closed', 'AbortError'));
    return this.result.then(
      () => undefined,
      () => undefined,
    );
  }

  #throwIfAborted(): void {
    if (this.aborted) throw new Aborted();
  }

  /**
   * Awaits `step` unless the session is aborted first; then `release` gets what `step`
   * brings when it comes (a socket to destroy, a wait to cancel). For implementations.
   */
  async guard<T>(step: Promise<T>, release?: (value: T) => void): Promise<T> {
    this.#throwIfAborted();
    const signal = this.#abort.signal;
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new Aborted());
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([step, aborted]);
    } catch (error) {
      if (error instanceof Aborted && release) {
        step.then(release, () => undefined);
      }
      throw error;
    } finally {
      signal.removeEventListener('abort', onAbort!);
      aborted.catch(() => undefined);
    }
  }

  /**
   * Resizes the container's TTY (ignored without a TTY, and for 0×0); resolves once the
   * engine has applied it, so what is typed next sees the new size. Before the session is
   * attached, the size is kept and applied with the first resize, and this resolves then.
   */
  async resize(rows: number, cols: number): Promise<void> {
    const size = { rows, cols };
    if (!isUsableSize(size)) return;
    this.#size = size;
    if (this.#resize) await this.#resize(size);
    else await this.#sized;
  }

  /** Ends the session as the detach keys would; the container keeps running. */
  detach(): void {
    this.#stopRequested = true;
    this.#stop?.();
  }

  /**
   * Runs the copying over `connection` with the terminal raw and resizes wired; resolves with
   * whether the session detached (and the last short output chunk, for exec's exit code).
   * For attach/exec implementations.
   */
  async pump(
    io: ResolvedIo,
    connection: Hijacked,
    tty: boolean,
    resize: ResizeFn | undefined,
    options: {
      initialSize?: TerminalSize;
      forceRedraw?: boolean;
      onWarning?: (m: string) => void;
      heldFailure?: (text: Buffer) => Promise<boolean>;
    },
  ): Promise<{
    detached: boolean;
    lastShortChunk: Buffer | undefined;
    droppedFailure: Buffer | undefined;
  }> {
    // Loaded with the first session, not with the package (docker-demux and the copying).
    const [{ streamKindFromContentType }, { startSessionIo }] = await Promise.all([
      import('@sluice/docker-demux'),
      import('./session-io.js'),
    ]);
    using term = new Terminal(io.terminalFd ?? -1);
    if (tty && io.terminalFd !== undefined && io.stdin) term.setRaw();
    // API ≥ 1.42 says raw or multiplexed in the reply; older engines: from the TTY setting.
    const kind =
      streamKindFromContentType(connection.contentType, connection.apiVersion) ??
      (tty ? 'raw' : 'multiplexed');
    const copy = startSessionIo({
      stream: connection.stream,
      first: connection.first,
      kind,
      stdin: io.stdin,
      stdout: io.stdout,
      stderr: io.stderr,
      detachKeys: io.detachKeys,
      endStdout: io.endStdout,
      endStderr: io.endStderr,
      // The CLI gives the terminal back as soon as input is over.
      onInputDone: () => term.restore(),
      ...(options.heldFailure ? { heldFailure: options.heldFailure } : {}),
    });
    // Awaited below, after the resizes: until then a failure must not count as unhandled.
    copy.done.catch(() => undefined);
    this.#stop = copy.stop;
    if (this.#stopRequested) copy.stop();
    const onAbort = (): void => copy.stop();
    if (this.aborted) copy.stop();
    else this.signal.addEventListener('abort', onAbort, { once: true });
    let unwatch = (): void => {};
    if (tty && resize) {
      const current = (): TerminalSize | undefined =>
        io.stdoutTty ? { rows: io.stdoutTty.rows, cols: io.stdoutTty.columns } : this.#size;
      const size = current() ?? options.initialSize;
      if (isUsableSize(size)) {
        if (options.forceRedraw)
          await resize({ rows: size.rows + 1, cols: size.cols + 1 }).catch(() => undefined);
        const ok = await resizeWithRetries(resize, size);
        if (!ok) options.onWarning?.('failed to resize tty, using default size');
      }
      this.#resize = (s) => resize(s).catch(() => undefined);
      const latest = this.#size;
      if (latest && (latest.rows !== size?.rows || latest.cols !== size?.cols))
        await this.#resize(latest);
      if (io.stdoutTty) {
        const tty = io.stdoutTty;
        const onResize = (): void => {
          const s = { rows: tty.rows, cols: tty.columns };
          if (isUsableSize(s)) void this.#resize?.(s);
        };
        tty.on('resize', onResize);
        unwatch = () => tty.off('resize', onResize);
      }
    }
    this.#sizedNow();
    try {
      const { detached } = await copy.done;
      return {
        detached,
        lastShortChunk: copy.lastShortChunk(),
        droppedFailure: copy.droppedFailure(),
      };
    } finally {
      this.signal.removeEventListener('abort', onAbort);
      unwatch();
      this.#resize = undefined;
      this.#stop = undefined;
    }
  }
}
