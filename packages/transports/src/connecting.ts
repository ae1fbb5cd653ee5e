// Waiting for a socket to connect (or finish its TLS handshake) with a timeout and an abort
// signal, turning every failure into a typed error.
import type { Socket } from 'node:net';
import { TimeoutError } from '@sluice/stream-core';
import { toStreamError } from './errors-map.js';

/** How long to wait, and what may cancel the wait. */
export interface ConnectWait {
  /** The event that means "connected" (`connect` for TCP/Unix, `secureConnect` for TLS). */
  event: 'connect' | 'secureConnect';
  /** Give up after this many ms (0 or undefined: no limit of ours). */
  timeoutMs?: number | undefined;
  /** Cancels the connect; rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Named in error messages, e.g. `tcp://127.0.0.1:4000`. */
  target: string;
}

/**
 * Resolves once `socket` emitted `wait.event`; on failure destroys it and rejects typed.
 * (Not `events.once`: it watches one event and 'error', where a connect also ends on 'close',
 * our timeout and the caller's abort, each reported as its own error.)
 */
export function whenConnected(socket: Socket, wait: ConnectWait): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const { signal, timeoutMs, target } = wait;
    let timer: NodeJS.Timeout | undefined;
    const done = (error?: unknown): void => {
      if (timer) clearTimeout(timer);
      socket.off(wait.event, onConnect);
      socket.off('error', onError);
      socket.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined) {
        resolve();
        return;
      }
      socket.destroy();
      reject(error);
    };
    const onConnect = (): void => done();
    const onError = (error: unknown): void => done(toStreamError(error, 'connect', target));
    const onClose = (): void =>
      done(
        toStreamError(
          Object.assign(new Error('closed'), { code: 'ECONNRESET' }),
          'connect',
          target,
        ),
      );
    const onAbort = (): void => done(signal?.reason);
    if (signal?.aborted) {
      done(signal.reason);
      return;
    }
    socket.once(wait.event, onConnect);
    socket.once('error', onError);
    socket.once('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs && timeoutMs > 0) {
      timer = setTimeout(
        () =>
          done(
            new TimeoutError(`connect to ${target} timed out after ${timeoutMs} ms`, { timeoutMs }),
          ),
        timeoutMs,
      );
    }
  });
}

/**
 * Opens a socket with `open` and resolves with it once connected. A synchronous throw
 * (e.g. an invalid option) is typed like an asynchronous failure.
 */
export async function openConnected<S extends Socket>(
  open: () => S,
  wait: ConnectWait,
): Promise<S> {
  let socket: S;
  try {
    socket = open();
  } catch (error) {
    throw toStreamError(error, 'connect', wait.target);
  }
  await whenConnected(socket, wait);
  return socket;
}
