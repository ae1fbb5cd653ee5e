// The fallback target: a local shell in a real pty (node-pty), used when no Docker engine
// answers, so the start command always shows a working terminal.
import { spawn } from 'node-pty';
import type { Backend, BackendSpec } from './backend.js';

/** Options of the local-shell backend. */
export interface LocalShellOptions {
  /** The shell to run; default `$SHELL`, else `/bin/sh`. */
  shell?: string;
  /** Its arguments; default none. */
  args?: string[];
  /** Working directory; default the server's. */
  cwd?: string;
}

/** Starts a local shell in a pty of the spec's size. */
export function startLocalShell(spec: BackendSpec, options: LocalShellOptions = {}): Backend {
  const shell = options.shell ?? process.env.SHELL ?? '/bin/sh';
  const pty = spawn(shell, options.args ?? [], {
    name: 'xterm-256color',
    rows: spec.rows,
    cols: spec.cols,
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, TERM: 'xterm-256color' } as Record<string, string>,
    // Bytes, not text: a character split across reads must reach the screen whole.
    encoding: null,
  } as Parameters<typeof spawn>[2]);
  let done = false;
  const exited = new Promise<{ code: number; reason?: string }>((resolve) => {
    pty.onExit(({ exitCode, signal }) => {
      done = true;
      resolve(
        signal ? { code: 128 + signal, reason: `killed by signal ${signal}` } : { code: exitCode },
      );
    });
  });
  // node-pty hands out Buffers when `encoding` is null, whatever its typings say. Reads stop
  // while any chunk is held (a pty may deliver a few more after pause()), and go on only once
  // every held chunk was taken: then the shell's own writes block.
  let holds = 0;
  const release = (): void => {
    if (--holds === 0 && !done) pty.resume();
  };
  pty.onData((data: unknown) => {
    const held = spec.output(data as Uint8Array);
    if (!held) return;
    if (holds++ === 0) pty.pause();
    held.then(release, release);
  });
  return {
    target: `local shell ${shell}`,
    write: (data) => {
      if (!done) pty.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength) as never);
    },
    resize: (rows, cols) => {
      if (!done) pty.resize(cols, rows);
    },
    exited,
    close: async () => {
      if (!done) pty.kill('SIGHUP');
      await exited;
    },
  };
}
