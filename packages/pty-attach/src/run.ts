// `run` (the CLI's `docker run -it [--rm]`, the demo's "a terminal into a new container"):
// create, then everything `attach` does (attach before start, the wait registered before
// start, start, wait), and with `remove: true` no container left behind on any way out.
import { assertKnownOptions, StreamError } from '@sluice/stream-core';
import type Docker from 'dockerode';
import { ATTACH_OPTION_KEYS, type AttachOptions } from './attach.js';
import { assertEngine } from './check-options.js';
import { connectorOf } from './connector.js';
import type { DockerOrEngine } from './engine.js';
import { Session, type SessionResult } from './session.js';

/** Options of `run`. */
export interface RunOptions extends AttachOptions {
  /**
   * `--rm`: remove the container when it is over — after it exits (also after a detach and
   * a later stop: the engine's AutoRemove), when the session is aborted or closed (the
   * container is killed), and when it fails to start. Default false.
   */
  remove?: boolean;
}

/** A `run` session: a `Session` that also says which container it made. */
export interface RunSession extends Session {
  /** The id of the container, once created; rejects if the engine refused to create it. */
  readonly containerId: Promise<string>;
}

/**
 * Creates a container from `create` and runs it attached, as `docker run -it [--rm]`, on
 * `engine` (from `resolveEngine`, or a dockerode instance).
 *
 * @example
 * ```ts
 * const engine = await resolveEngine();
 * const session = run(engine, { Image: 'busybox', Cmd: ['sh'], Tty: true, OpenStdin: true },
 *   { remove: true });
 * const { exitCode } = await session.result;
 * ```
 */
export function run(
  engine: DockerOrEngine,
  create: Docker.ContainerCreateOptions,
  options: RunOptions = {},
): RunSession {
  assertEngine(engine, 'run()');
  assertKnownOptions(options, [...ATTACH_OPTION_KEYS, 'remove'], 'run()');
  const connector = connectorOf(engine);
  if (typeof create !== 'object' || create === null) {
    throw new TypeError('run(engine, create): create must be the container create options');
  }
  let setId!: (id: string) => void;
  let failId!: (error: unknown) => void;
  const containerId = new Promise<string>((resolve, reject) => {
    setId = resolve;
    failId = reject;
  });
  // A caller that never asks for the id must not see an unhandled rejection.
  containerId.catch(() => undefined);
  const remove = options.remove === true;

  const session = new Session(async (s): Promise<SessionResult> => {
    // The implementation loads with the first session, not with the package; the session's
    // own modules load while the engine creates the container.
    // Guarded: aborted meanwhile, nothing is created (the create below has no await before
    // its own guard, so a container made is always removed on an abort).
    const [api, { clientOf }] = await s.guard(
      Promise.all([import('./engine-api.js'), import('./engine-client.js')]),
    );
    const client = clientOf(connector);
    const spec: Docker.ContainerCreateOptions = remove
      ? { ...create, HostConfig: { ...create.HostConfig, AutoRemove: true } }
      : create;
    let id: string | undefined;
    const removeIt = async (): Promise<void> => {
      if (id === undefined) return;
      await api.removeContainer(client, id).catch(() => undefined);
    };
    // Loaded while the engine creates the container (the attach, and the copying after it),
    // but only once the create is written: loading first would hold the request back.
    let attachLoaded: Promise<typeof import('./attach-session.js')> | undefined;
    const load = (): Promise<typeof import('./attach-session.js')> => {
      if (attachLoaded) return attachLoaded;
      attachLoaded = import('./attach-session.js');
      attachLoaded.catch(() => undefined);
      Promise.all([import('./session-io.js'), import('@sluice/docker-demux')]).catch(
        () => undefined,
      );
      return attachLoaded;
    };
    const creating = api.createContainer(
      client,
      spec,
      `create a container from ${create.Image}`,
      () => void load(),
    );
    try {
      id = await s.guard(
        creating,
        // Aborted while the engine was creating it: it must not stay behind.
        (made) => {
          if (remove) void api.removeContainer(client, made).catch(() => undefined);
        },
      );
      setId(id);
    } catch (error) {
      failId(error);
      throw error;
    }
    const { attachInSession } = await load();
    let leftOver = false;
    try {
      // What an inspect would say of the container just made: no need to ask.
      return await attachInSession(
        s,
        engine,
        id,
        options,
        {
          onStartFailure: () => {
            leftOver = true;
          },
        },
        {
          Id: id,
          Config: { Tty: spec.Tty === true, OpenStdin: spec.OpenStdin === true },
          State: { Running: false },
          HostConfig: { AutoRemove: spec.HostConfig?.AutoRemove === true },
        },
      );
    } catch (error) {
      leftOver = true;
      throw error;
    } finally {
      // AutoRemove covers exit and stop; a container that never started, one the session
      // failed on, or one the caller abandoned is removed here.
      if (remove && (leftOver || s.aborted)) await removeIt();
    }
  }, options.signal);
  // Ended before the engine made one (aborted up front): no id will come.
  void session.result
    .finally(() => failId(new StreamError('the session ended before a container was created')))
    .catch(() => undefined);
  return Object.assign(session, { containerId }) as RunSession;
}
