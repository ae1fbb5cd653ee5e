// The body of an exec session (loaded with the first one): create the exec, hijack its
// start, copy until the output ends, then the exit code (and a start failure's reason) from
// ExecInspect.
import { StreamError } from '@sluice/stream-core';
import type Docker from 'dockerode';
import { connectorOf } from './connector.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from './detach-keys.js';
import type { DockerOrEngine } from './engine.js';
import { createExec, inspectExec, resizeExec } from './engine-api.js';
import { clientOf, type EngineClient } from './engine-client.js';
import type { ExecOptions } from './exec.js';
import { startFailureExitCode } from './exit-code.js';
import { hijack } from './hijack.js';
import { isTTYStream } from './io.js';
import { resolveIo, type Session, type SessionOptions, type SessionResult } from './session.js';
import { bounded, resolveTimeouts } from './timeouts.js';
import { release } from './upgrade.js';

const settled = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Creates the exec of `command` in `container` and runs it as `session`. @internal */
export async function createAndRunExec(
  session: Session,
  target: DockerOrEngine,
  container: string,
  command: string[],
  options: ExecOptions,
): Promise<SessionResult> {
  // A bad spec fails before anything is created in the engine.
  parseDetachKeys(options.detachKeys ?? DEFAULT_DETACH_KEYS);
  const interactive = options.interactive ?? options.stdin !== null;
  const stdin = options.stdin === undefined ? process.stdin : options.stdin;
  const tty = options.tty ?? (isTTYStream(stdin) && isTTYStream(options.stdout ?? process.stdout));
  const client = clientOf(connectorOf(target));
  const id = await session.guard(
    createExec(client, container, {
      Cmd: command,
      AttachStdin: interactive && stdin !== null,
      AttachStdout: true,
      AttachStderr: true,
      Tty: tty,
      ...(options.env ? { Env: options.env } : {}),
      ...(options.workingDir ? { WorkingDir: options.workingDir } : {}),
      ...(options.user ? { User: options.user } : {}),
      ...(options.privileged ? { Privileged: true } : {}),
      ...(options.detachKeys !== undefined ? { DetachKeys: options.detachKeys } : {}),
    }),
  );
  return runExec(session, target, id, { ...options, interactive }, options.killOnClose);
}

/** Runs an existing exec as `session`. @internal */
export async function runExec(
  session: Session,
  target: DockerOrEngine,
  execId: string,
  options: SessionOptions,
  killOnClose?: boolean | NodeJS.Signals,
): Promise<SessionResult> {
  const engine = connectorOf(target);
  const client = clientOf(engine);
  const address = engine.address;
  const timeouts = resolveTimeouts(options.timeouts, engine.timeoutMs);
  const what = `inspect exec ${execId}`;
  const inspect = (): Promise<Docker.ExecInspectInfo> => {
    const inspecting = new AbortController();
    return session.guard(
      bounded(
        inspectExec(client, execId, { signal: inspecting.signal }),
        timeouts.inspectMs,
        `${what} at ${address}`,
        () => inspecting.abort(),
      ),
    );
  };
  const info = await inspect();
  const tty = info.ProcessConfig.tty === true;
  const interactive = (options.interactive ?? true) && info.OpenStdin === true;
  const io = resolveIo(options, interactive, tty);
  // Exec start needs its JSON body on 20.10; with an exact Content-Length the engine reads
  // it all, so none of it can reach the process's stdin.
  const connection = await session.guard(
    hijack(
      target,
      {
        path: `/exec/${encodeURIComponent(execId)}/start`,
        body: { Detach: false, Tty: tty },
      },
      { timeoutMs: timeouts.upgradeMs },
    ),
    (h) => release(h.stream),
  );
  // The output can end a moment before the engine records the exit code.
  let final: Promise<Docker.ExecInspectInfo> | undefined;
  const exited = (): Promise<Docker.ExecInspectInfo> => {
    final ??= (async () => {
      for (let attempt = 0; ; attempt++) {
        const done = await inspect();
        if ((!done.Running && done.ExitCode !== null) || attempt >= 100) return done;
        await settled(10);
      }
    })();
    return final;
  };
  const startFailed = (done: Docker.ExecInspectInfo): boolean =>
    done.Pid === 0 && (done.ExitCode === 126 || done.ExitCode === 127);
  // A start failure arrives in-band as text: it is held back from the output, and tells 127
  // from 126 (20.10 says 126 for both).
  const { detached, lastShortChunk, droppedFailure } = await session.pump(
    io,
    connection,
    tty,
    (s) => resizeExec(client, execId, s),
    {
      ...(options.size ? { initialSize: options.size } : {}),
      ...(options.onWarning ? { onWarning: options.onWarning } : {}),
      heldFailure: async () => startFailed(await exited()),
    },
  );
  if (detached) {
    if (session.aborted && killOnClose) {
      await killProcess(
        client,
        execId,
        engine.address,
        killOnClose === true ? 'SIGKILL' : killOnClose,
        options,
      );
    }
    return { exitCode: 0, detached: true };
  }
  const done = await exited();
  const failure = droppedFailure ?? (startFailed(done) ? lastShortChunk : undefined);
  if (failure && startFailed(done)) {
    const text = failure.toString('utf8').trim();
    return {
      exitCode: startFailureExitCode(text),
      detached: false,
      error: new StreamError(text),
    };
  }
  return { exitCode: done.ExitCode ?? 125, detached: false };
}

// The Engine API has no way to stop an exec: its process is signalled by its host pid, which
// only means something on the engine's own machine.
async function killProcess(
  client: EngineClient,
  execId: string,
  address: string,
  signal: NodeJS.Signals,
  options: SessionOptions,
): Promise<void> {
  if (!address.startsWith('unix://')) {
    options.onWarning?.(`cannot kill the exec's process on a remote engine (${address})`);
    return;
  }
  try {
    const info = await inspectExec(client, execId);
    if (info.Running && info.Pid > 0) process.kill(info.Pid, signal);
  } catch (error) {
    options.onWarning?.(`could not kill the exec's process: ${(error as Error).message}`);
  }
}
