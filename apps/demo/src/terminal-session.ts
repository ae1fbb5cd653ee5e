// One terminal session: a backend (container or local shell), the server's mirror of its
// screen, and the pages attached to it. Output goes to the mirror and to every page; the
// slowest of them holds the process back. The session outlives its pages for a grace
// period, so a reload or a dropped connection comes back to the same shell.

import { randomToken } from './auth.js';
import type { Backend, BackendSpec } from './backend.js';
import { ScreenMirror } from './screen-mirror.js';

/** A page attached to a session, as the session sees it. */
export interface SessionClient {
  /** A view link's page: sees everything, types nothing. */
  readonly readOnly: boolean;
  /**
   * Queues output (or a screen being serialized) behind what was queued before; a promise
   * says the page is behind (or paused) and settles once it may take more.
   */
  sendOutput(chunk: Uint8Array | Promise<Uint8Array>): Promise<void> | undefined;
  /** Says the process exited and ends the connection. */
  sendExit(code: number, reason: string | undefined): Promise<void>;
}

/** How sessions behave. */
export interface SessionSettings {
  /** How long a session without pages lives on, in ms. */
  graceMs: number;
  /** Lines of scrollback the mirror keeps (and restores). */
  scrollback: number;
}

/** Counters for the status bar and for tests. */
export interface SessionCounters {
  /** Bytes the process wrote. */
  output: number;
  /** Bytes typed into the process. */
  input: number;
}

/** One running terminal session. */
export class TerminalSession {
  /** Identifies the session to a page that comes back (kept in its sessionStorage). */
  readonly id: string = randomToken();
  /** The secret of this session's read-only view link. */
  readonly viewToken: string = randomToken();
  readonly counters: SessionCounters = { output: 0, input: 0 };
  readonly #mirror: ScreenMirror;
  readonly #clients = new Set<SessionClient>();
  readonly #settings: SessionSettings;
  #backend: Backend | undefined;
  #graceTimer: NodeJS.Timeout | undefined;
  #ended = false;
  /** Settles once the process is gone and every page was told. */
  readonly ended: Promise<{ code: number; reason?: string }>;
  #resolveEnded!: (outcome: { code: number; reason?: string }) => void;

  constructor(rows: number, cols: number, settings: SessionSettings) {
    this.#settings = settings;
    this.#mirror = new ScreenMirror(rows, cols, settings.scrollback);
    this.ended = new Promise((resolve) => {
      this.#resolveEnded = resolve;
    });
  }

  /** What the process runs on (`container …` or `local shell …`). */
  get target(): string {
    return this.#backend?.target ?? 'starting';
  }

  /** True once the process has exited or the session was closed. */
  get isEnded(): boolean {
    return this.#ended;
  }

  /** Starts the process through `launch` with the session's output sink. */
  async start(
    launch: (spec: BackendSpec) => Promise<Backend>,
    rows: number,
    cols: number,
  ): Promise<void> {
    const backend = await launch({ rows, cols, output: (chunk) => this.#output(chunk) });
    this.#backend = backend;
    void backend.exited.then((outcome) => this.#finish(outcome));
  }

  #output(chunk: Uint8Array): Promise<void> | undefined {
    this.counters.output += chunk.length;
    const held: Promise<void>[] = [];
    const mirrorHeld = this.#mirror.write(chunk);
    if (mirrorHeld) held.push(mirrorHeld);
    for (const client of this.#clients) {
      const clientHeld = client.sendOutput(chunk);
      if (clientHeld) held.push(clientHeld);
    }
    if (held.length === 0) return undefined;
    return Promise.all(held).then(
      () => undefined,
      () => undefined,
    );
  }

  /**
   * Attaches a page. With `restore`, it first gets the screen as the mirror has it (then
   * everything after, in order).
   */
  attach(client: SessionClient, restore: boolean): void {
    clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
    // The snapshot covers exactly what was written before this line; what comes later is
    // queued behind it by the client, in order.
    if (restore) void client.sendOutput(this.#mirror.snapshot());
    this.#clients.add(client);
  }

  /** Detaches a page; the last writing page leaving starts the grace period. */
  detach(client: SessionClient): void {
    this.#clients.delete(client);
    if (this.#ended || [...this.#clients].some((c) => !c.readOnly)) return;
    clearTimeout(this.#graceTimer);
    this.#graceTimer = setTimeout(() => void this.close(), this.#settings.graceMs);
    this.#graceTimer.unref();
  }

  /** Keystrokes from a writing page. */
  input(data: Uint8Array): void {
    this.counters.input += data.length;
    this.#backend?.write(data);
  }

  /** The writing page's terminal changed size. */
  resize(rows: number, cols: number): void {
    this.#mirror.resize(rows, cols);
    this.#backend?.resize(rows, cols);
  }

  /** Ends the process (removing its container) and the session. */
  async close(): Promise<void> {
    clearTimeout(this.#graceTimer);
    await this.#backend?.close();
    if (!this.#backend) this.#finish({ code: 130, reason: 'closed before it started' });
    await this.ended;
  }

  #finish(outcome: { code: number; reason?: string }): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#graceTimer);
    const clients = [...this.#clients];
    this.#clients.clear();
    void Promise.all(
      clients.map((c) => c.sendExit(outcome.code, outcome.reason).catch(() => undefined)),
    )
      .then(() => this.#mirror.dispose())
      .then(() => this.#resolveEnded(outcome));
  }
}
