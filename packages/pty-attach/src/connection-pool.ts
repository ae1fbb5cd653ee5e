// Idle engine connections kept for the next request (HTTP/1.1 keep-alive), so a session's
// inspect, create, start and resize do not each pay a connect — a TLS handshake on tcp://,
// an SSH login and a remote `docker system dial-stdio` on ssh:// (~0.5 s). An idle socket is
// unref'd (it never keeps the process alive) and closed after `IDLE_MS`; a connection that
// cannot be unref'd (an SSH channel) is closed after the same time, which bounds how long it
// can keep a finished program alive.
import type { Duplex } from 'node:stream';

/** How long an idle connection is kept for the next request, in ms. */
export const IDLE_MS = 1000;

interface Parked {
  connection: Duplex;
  timer: NodeJS.Timeout;
  drop: () => void;
}

/** A connection handed out by the pool. */
export interface Taken {
  connection: Duplex;
  /** True when it served a request before (it may have been closed by the engine meanwhile). */
  reused: boolean;
}

/** Idle connections of one engine, most recently used first. */
export class ConnectionPool {
  readonly #open: () => Promise<Duplex>;
  readonly #idleMs: number;
  readonly #idle: Parked[] = [];

  constructor(open: () => Promise<Duplex>, idleMs: number = IDLE_MS) {
    this.#open = open;
    this.#idleMs = idleMs;
  }

  /** Idle connections now (for tests). */
  get idleCount(): number {
    return this.#idle.length;
  }

  /** An idle connection if there is one, else a new one. */
  async take(): Promise<Taken> {
    const parked = this.#idle.pop();
    if (parked) {
      parked.drop();
      (parked.connection as Duplex & { ref?: () => void }).ref?.();
      return { connection: parked.connection, reused: true };
    }
    return { connection: await this.#open(), reused: false };
  }

  /** Keeps `connection` (its last reply read to the end) for the next request. */
  give(connection: Duplex): void {
    if (connection.destroyed || !connection.readable || !connection.writable) {
      connection.destroy();
      return;
    }
    // Anything from the engine now (its close, an error) means the connection is done.
    const onGone = (): void => {
      const i = this.#idle.indexOf(parked);
      if (i >= 0) this.#idle.splice(i, 1);
      parked.drop();
      connection.destroy();
    };
    const parked: Parked = {
      connection,
      timer: setTimeout(onGone, this.#idleMs).unref(),
      drop: () => {
        clearTimeout(parked.timer);
        connection.off('data', onGone);
        connection.off('end', onGone);
        connection.off('close', onGone);
        connection.off('error', onGone);
      },
    };
    connection.on('data', onGone);
    connection.on('end', onGone);
    connection.on('close', onGone);
    connection.on('error', onGone);
    (connection as Duplex & { unref?: () => void }).unref?.();
    this.#idle.push(parked);
  }

  /** Closes every idle connection. */
  close(): void {
    for (const parked of this.#idle.splice(0)) {
      parked.drop();
      parked.connection.destroy();
    }
  }
}
