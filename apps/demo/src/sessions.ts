// All sessions of one server: found by id (a page coming back) or by view token (a view
// link), limited in number, each removed from here once it has ended.
import { type LauncherOptions, launch } from './launcher.js';
import { type SessionSettings, TerminalSession } from './terminal-session.js';

/** Limits and what sessions run. */
export interface RegistryOptions extends SessionSettings {
  /** Most sessions at once (a session in its grace period counts). */
  maxSessions: number;
  launcher: LauncherOptions;
}

/** A new session and why it runs a local shell, when it does. */
export interface CreatedSession {
  session: TerminalSession;
  fallback?: string;
}

/** The sessions of a server. */
export class SessionRegistry {
  readonly #sessions = new Map<string, TerminalSession>();
  readonly #options: RegistryOptions;
  #starting = 0;

  constructor(options: RegistryOptions) {
    this.#options = options;
  }

  /** Sessions running now (or starting). */
  get size(): number {
    return this.#sessions.size + this.#starting;
  }

  /** The most sessions at once. */
  get limit(): number {
    return this.#options.maxSessions;
  }

  /** The live sessions. */
  list(): TerminalSession[] {
    return [...this.#sessions.values()].filter((s) => !s.isEnded);
  }

  /** The live session with this id. */
  get(id: unknown): TerminalSession | undefined {
    if (typeof id !== 'string') return undefined;
    const session = this.#sessions.get(id);
    return session && !session.isEnded ? session : undefined;
  }

  /** The live session whose view link carries `token`. */
  byViewToken(token: unknown): TerminalSession | undefined {
    if (typeof token !== 'string') return undefined;
    for (const session of this.#sessions.values()) {
      if (!session.isEnded && session.viewToken === token) return session;
    }
    return undefined;
  }

  /** True when the view token belongs to a live session. */
  hasViewToken(token: string): boolean {
    return this.byViewToken(token) !== undefined;
  }

  /**
   * Starts a session of this size, or returns undefined when the limit is reached. `attach`
   * runs before the process starts, so the first page misses no byte.
   */
  async create(
    rows: number,
    cols: number,
    attach: (session: TerminalSession) => void,
  ): Promise<CreatedSession | undefined> {
    if (this.size >= this.#options.maxSessions) return undefined;
    this.#starting++;
    const session = new TerminalSession(rows, cols, this.#options);
    let fallback: string | undefined;
    try {
      attach(session);
      await session.start(
        async (spec) => {
          const launched = await launch(spec, this.#options.launcher);
          fallback = launched.fallback;
          return launched.backend;
        },
        rows,
        cols,
      );
    } finally {
      this.#starting--;
    }
    this.#sessions.set(session.id, session);
    void session.ended.then(() => this.#sessions.delete(session.id));
    return fallback === undefined ? { session } : { session, fallback };
  }

  /** Ends every session (removing their containers). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.#sessions.values()].map((s) => s.close()));
  }
}
