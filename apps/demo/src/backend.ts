// What a terminal session runs on: a TTY container or a local shell in a pty. The session
// sees only this: bytes out (with a way to hold them back), bytes in, resize, exit, close.

/** The process behind one terminal session. */
export interface Backend {
  /** What the page shows as the target, e.g. `container 3f2a…` or `local shell /bin/bash`. */
  readonly target: string;
  /** Keystrokes to the process. */
  write(data: Uint8Array): void;
  /** The terminal changed size. */
  resize(rows: number, cols: number): void;
  /**
   * Resolves with the exit code once the process is gone (for a container: once it is also
   * removed). Never rejects: a failure is an exit code of 125 and a reason.
   */
  readonly exited: Promise<{ code: number; reason?: string }>;
  /** Ends the process now and removes what it made; resolves once that is done. */
  close(): Promise<void>;
}

/**
 * Where a backend delivers the process's output. The returned promise (when there is one)
 * holds the process back: nothing more is read from it until it settles, so a slow screen
 * blocks the process's own pty instead of growing memory here.
 */
export type OutputSink = (chunk: Uint8Array) => undefined | Promise<void>;

/** What a backend is made from. */
export interface BackendSpec {
  /** Initial size, known before the process starts (the page sends it first, as ttyd). */
  rows: number;
  /** Initial width in columns. */
  cols: number;
  /** Receives the process's output. */
  output: OutputSink;
}
