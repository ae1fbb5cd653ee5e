// The body of an attach session (loaded with the first one): inspect, attach before start,
// the wait registered before start, start only if not running, then the session's copying
// until the container exits or the user detaches. The attach and the wait are sent at once
// (both are confirmed before the start, as the CLI needs); `run` skips the inspect, since it
// made the container and knows what the inspect would say.

import { StreamError } from '@sluice/stream-core';
import type Docker from 'dockerode';
import type { AttachHooks, AttachOptions } from './attach.js';
import { connectorOf } from './connector.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from './detach-keys.js';
import type { DockerOrEngine } from './engine.js';
import { inspectContainer, killContainer, resizeContainer, startContainer } from './engine-api.js';
import { clientOf } from './engine-client.js';
import { startFailureExitCode } from './exit-code.js';
import { hijack } from './hijack.js';
import { isProcessStdio } from './io.js';
import { resolveIo, type Session, type SessionResult } from './session.js';
import { proxySignals } from './signals.js';
import { bounded, resolveTimeouts } from './timeouts.js';
import { release } from './upgrade.js';
import { registerWait } from './wait.js';

/** What a session needs to know of its container (an inspect's answer, or what `run` made). */
export type ContainerFacts = Pick<Docker.ContainerInspectInfo, 'Id'> & {
  Config?: { Tty?: boolean; OpenStdin?: boolean } | undefined;
  State?: { Running?: boolean } | undefined;
  HostConfig?: { AutoRemove?: boolean } | undefined;
};

function messageOf(error: unknown): string {
  const e = error as { detail?: string; json?: { message?: string }; message?: string };
  return e.detail || (e.json?.message ?? e.message ?? String(error));
}

/** The body of `attach`, for `run` too. @internal */
export async function attachInSession(
  session: Session,
  target: DockerOrEngine,
  container: string,
  options: AttachOptions,
  hooks: AttachHooks = {},
  known?: ContainerFacts,
): Promise<SessionResult> {
  parseDetachKeys(options.detachKeys ?? DEFAULT_DETACH_KEYS);
  const engine = connectorOf(target);
  const client = clientOf(engine);
  const address = engine.address;
  const timeouts = resolveTimeouts(options.timeouts, engine.timeoutMs);
  const what = `inspect container ${container}`;
  const inspecting = new AbortController();
  const info: ContainerFacts =
    known ??
    (await session.guard(
      bounded(
        inspectContainer(client, container, {
          signal: AbortSignal.any([session.signal, inspecting.signal]),
        }),
        timeouts.inspectMs,
        `${what} at ${address}`,
        () => inspecting.abort(),
      ),
    ));
  const tty = info.Config?.Tty === true;
  const interactive = options.interactive ?? info.Config?.OpenStdin === true;
  const io = resolveIo(options, interactive, tty);
  const running = info.State?.Running === true;

  const query = new URLSearchParams({ stream: '1', stdout: '1', stderr: '1' });
  if (io.stdin) query.set('stdin', '1');
  if (options.logs) query.set('logs', '1');
  if (options.detachKeys !== undefined) query.set('detachKeys', options.detachKeys);
  // As the CLI: an auto-removed container is waited for until it is gone.
  const condition = info.HostConfig?.AutoRemove ? 'removed' : running ? 'not-running' : 'next-exit';
  // Both at once; a failure is reported in the CLI's order (the attach's first).
  const attaching = session.guard(
    hijack(
      target,
      { path: `/containers/${encodeURIComponent(info.Id)}/attach?${query}` },
      { timeoutMs: timeouts.upgradeMs },
    ),
    (h) => release(h.stream),
  );
  const waiting = session.guard(
    registerWait(target, info.Id, condition, { timeoutMs: timeouts.waitMs }),
    (w) => w.cancel(),
  );
  waiting.catch(() => undefined);
  let connection: Awaited<typeof attaching>;
  try {
    connection = await attaching;
  } catch (error) {
    waiting.then(
      (w) => w.cancel(),
      () => undefined,
    );
    throw error;
  }
  let wait: Awaited<typeof waiting>;
  try {
    wait = await waiting;
  } catch (error) {
    release(connection.stream);
    throw error;
  }
  if (!running) {
    try {
      await session.guard(startContainer(client, info.Id));
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
      ? proxySignals((signal) => killContainer(client, info.Id, signal).catch(() => undefined))
      : () => {};
  try {
    const { detached } = await session.pump(
      io,
      connection,
      tty,
      (s) => resizeContainer(client, info.Id, s),
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
