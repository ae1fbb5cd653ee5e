// The body of an attach session (loaded with the first one): inspect, attach before start,
// the wait registered before start, start only if not running, then the session's copying
// until the container exits or the user detaches.

import { StreamError } from '@sluice/stream-core';
import type Docker from 'dockerode';
import type { AttachHooks, AttachOptions } from './attach.js';
import { connectorOf } from './connector.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from './detach-keys.js';
import { expectObject, toEngineFailure } from './engine-errors.js';
import { startFailureExitCode } from './exit-code.js';
import { hijack } from './hijack.js';
import { isProcessStdio } from './io.js';
import { resolveIo, type Session, type SessionResult } from './session.js';
import { proxySignals } from './signals.js';
import { bounded, resolveTimeouts } from './timeouts.js';
import { release } from './upgrade.js';
import { registerWait } from './wait.js';

function messageOf(error: unknown): string {
  const e = error as { json?: { message?: string }; message?: string };
  return e.json?.message ?? e.message ?? String(error);
}

/** The body of `attach`, for `run` too. @internal */
export async function attachInSession(
  session: Session,
  docker: Docker,
  container: string,
  options: AttachOptions,
  hooks: AttachHooks = {},
): Promise<SessionResult> {
  parseDetachKeys(options.detachKeys ?? DEFAULT_DETACH_KEYS);
  const engine = connectorOf(docker);
  const address = engine.address;
  const timeouts = resolveTimeouts(options.timeouts, engine.timeoutMs);
  const handle = docker.getContainer(container);
  const what = `inspect container ${container}`;
  const inspecting = new AbortController();
  const info = expectObject<Docker.ContainerInspectInfo>(
    await session.guard(
      bounded(
        handle
          .inspect({
            abortSignal: AbortSignal.any([session.signal, inspecting.signal]),
          } as Docker.ContainerInspectOptions)
          .catch((error: unknown) => {
            throw toEngineFailure(error, address, what);
          }),
        timeouts.inspectMs,
        `${what} at ${address}`,
        () => inspecting.abort(),
      ),
    ),
    what,
  );
  const tty = info.Config?.Tty === true;
  const interactive = options.interactive ?? info.Config?.OpenStdin === true;
  const io = resolveIo(options, interactive, tty);
  const running = info.State?.Running === true;

  const query = new URLSearchParams({ stream: '1', stdout: '1', stderr: '1' });
  if (io.stdin) query.set('stdin', '1');
  if (options.logs) query.set('logs', '1');
  if (options.detachKeys !== undefined) query.set('detachKeys', options.detachKeys);
  const connection = await session.guard(
    hijack(
      docker,
      { path: `/containers/${encodeURIComponent(info.Id)}/attach?${query}` },
      { timeoutMs: timeouts.upgradeMs },
    ),
    (h) => release(h.stream),
  );

  let wait: Awaited<ReturnType<typeof registerWait>>;
  try {
    // As the CLI: an auto-removed container is waited for until it is gone.
    const condition = info.HostConfig?.AutoRemove
      ? 'removed'
      : running
        ? 'not-running'
        : 'next-exit';
    wait = await session.guard(
      registerWait(docker, info.Id, condition, { timeoutMs: timeouts.waitMs }),
      (w) => w.cancel(),
    );
  } catch (error) {
    release(connection.stream);
    throw error;
  }
  if (!running) {
    try {
      await session.guard(handle.start());
    } catch (error) {
      release(connection.stream);
      wait.cancel();
      if (session.aborted) throw error;
      hooks.onStartFailure?.();
      const message = messageOf(error);
      return {
        exitCode: startFailureExitCode(message),
        detached: false,
        error: new StreamError(message, { cause: error }),
      };
    }
  }

  // Compared without touching `process.stdin` (its getter opens a handle).
  const stdinIsOurs = options.stdin === undefined || isProcessStdio(options.stdin, 0);
  const unproxy =
    !tty && (options.proxySignals ?? stdinIsOurs)
      ? proxySignals((signal) => handle.kill({ signal }).catch(() => undefined))
      : () => {};
  try {
    const { detached } = await session.pump(
      io,
      connection,
      tty,
      (s) => handle.resize({ h: s.rows, w: s.cols }),
      {
        ...(options.size ? { initialSize: options.size } : {}),
        forceRedraw: running,
        ...(options.onWarning ? { onWarning: options.onWarning } : {}),
      },
    );
    if (detached) {
      wait.cancel();
      return { exitCode: 0, detached: true } satisfies SessionResult;
    }
    return { exitCode: await session.guard(wait.exited), detached: false };
  } finally {
    unproxy();
    wait.cancel();
  }
}
