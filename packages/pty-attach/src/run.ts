// `run` (the CLI's `docker run -it [--rm]`, the demo's "a terminal into a new container"):
// create, then everything `attach` does (attach before start, the wait registered before
// start, start, wait), and with `remove: true` no container left behind on any way out.
import { assertKnownOptions, StreamError } from '@sluice/stream-core';
import type Docker from 'dockerode';
import { ATTACH_OPTION_KEYS, type AttachOptions } from './attach.js';
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
 * Creates a container from `create` and runs it attached, as `docker run -it [--rm]`.
 *
 * @example
 * ```ts
 * const session = run(docker, { Image: 'busybox', Cmd: ['sh'], Tty: true, OpenStdin: true },
 *   { remove: true });
 * const { exitCode } = await session.result;
 * ```
 */
export function run(
  docker: Docker,
  create: Docker.ContainerCreateOptions,
  options: RunOptions = {},
): RunSession {
  assertKnownOptions(options, [...ATTACH_OPTION_KEYS, 'remove'], 'run()');
  if (typeof create !== 'object' || create === null) {
    throw new TypeError('run(docker, create): create must be the container create options');
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
    // The implementation loads with the first session, not with the package.
    const [{ attachInSession }, { expectObject, toEngineFailure }, { engineAddress }] =
      await Promise.all([
        import('./attach-session.js'),
        import('./engine-errors.js'),
        import('./engine-http.js'),
      ]);
    const address = engineAddress(docker);
    const spec: Docker.ContainerCreateOptions = remove
      ? { ...create, HostConfig: { ...create.HostConfig, AutoRemove: true } }
      : create;
    let id: string | undefined;
    const removeIt = async (): Promise<void> => {
      if (id === undefined) return;
      await docker
        .getContainer(id)
        .remove({ force: true })
        .catch(() => undefined);
    };
    try {
      const created = await s.guard(
        docker.createContainer(spec).catch((error: unknown) => {
          throw toEngineFailure(error, address, `create a container from ${create.Image}`);
        }),
        // Aborted while the engine was creating it: it must not stay behind.
        (c) => {
          if (remove) void c.remove({ force: true }).catch(() => undefined);
        },
      );
      id = expectObject<{ id: string }>(created, 'create a container').id;
      setId(id);
    } catch (error) {
      failId(error);
      throw error;
    }
    let leftOver = false;
    try {
      return await attachInSession(s, docker, id, options, {
        onStartFailure: () => {
          leftOver = true;
        },
      });
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
