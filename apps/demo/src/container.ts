// The default target: a fresh TTY container per browser session, run through
// @sluice/pty-attach's `run()` with `--rm`, so it is removed on every way out. Its output
// goes through a Writable whose callback waits for the screen, so a slow page stops the
// reads of the hijacked socket and the container's own pty blocks (flow control all the way
// to the process).
import { PassThrough, Writable } from 'node:stream';
import { run } from '@sluice/pty-attach';
import type Docker from 'dockerode';
import type { Backend, BackendSpec } from './backend.js';

/** What container each session gets. */
export interface ContainerOptions {
  /** Image to run; default `sluice-test/busybox`. */
  image: string;
  /** Command to run in it; default the image's own (`/bin/sh` for busybox). */
  command?: string[];
  /** Labels put on every container, so that what the demo made can be found and removed. */
  labels?: Record<string, string>;
}

/** The label every demo container carries. */
export const DEMO_LABEL = 'dev.sluice.demo';

// The engine always matches some detach sequence (an empty one means its default,
// ctrl-p ctrl-q, which shells use). A page has nothing to detach to: this one nobody types.
const UNTYPED_DETACH_KEYS = 'ctrl-^,ctrl-@,ctrl-_,ctrl-]';

/**
 * Creates, attaches and starts a container of the spec's size. Resolves once the engine has
 * created it; rejects when the engine refuses (no such image, …).
 */
export async function startContainer(
  docker: Docker,
  spec: BackendSpec,
  options: ContainerOptions,
): Promise<Backend> {
  const stdin = new PassThrough();
  const stdout = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      const held = spec.output(chunk);
      if (held) held.then(() => callback(), callback);
      else callback();
    },
  });
  const session = run(
    docker,
    {
      Image: options.image,
      ...(options.command && { Cmd: options.command }),
      Tty: true,
      OpenStdin: true,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Env: ['TERM=xterm-256color'],
      Labels: { [DEMO_LABEL]: '1', ...options.labels },
    },
    {
      remove: true,
      stdin,
      stdout,
      detachKeys: UNTYPED_DETACH_KEYS,
      size: { rows: spec.rows, cols: spec.cols },
    },
  );
  const id = await session.containerId;
  // Keys typed after a resize wait until the engine has applied it, so what they run sees
  // the new size (`stty size` right after a resize printed the old one); the first keys wait
  // for the initial size, which the engine gets after the start.
  let resizing: Promise<void> | undefined;
  const heldInput: Uint8Array[] = [];
  const holdInputUntil = (applied: Promise<void>): void => {
    resizing = applied;
    void applied.then(() => {
      if (resizing !== applied) return;
      resizing = undefined;
      for (const data of heldInput.splice(0)) stdin.write(data);
    });
  };
  holdInputUntil(session.resize(spec.rows, spec.cols).catch(() => undefined));
  const exited = session.result.then(
    async (result) => {
      // Detached anyway (the sequence was typed): the page has nothing to come back to.
      if (result.detached) await session.close();
      return result.error
        ? { code: result.exitCode, reason: result.error.message }
        : { code: result.exitCode };
    },
    (error: unknown) => ({
      code: 125,
      reason: error instanceof Error ? error.message : String(error),
    }),
  );
  return {
    target: `container ${id.slice(0, 12)}`,
    write: (data) => {
      if (resizing) heldInput.push(data);
      else stdin.write(data);
    },
    resize: (rows, cols) => holdInputUntil(session.resize(rows, cols).catch(() => undefined)),
    exited,
    close: async () => {
      await session.close();
      await exited;
    },
  };
}
