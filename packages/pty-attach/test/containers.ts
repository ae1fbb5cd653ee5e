// Containers made by this package's tests: labelled, tracked, and removed afterwards (only
// ours: other packages' tests may be running against the same engine).

import { TEST_IMAGE, TEST_LABEL } from '@sluice/test-env';
import type Docker from 'dockerode';

/** Creates and tracks containers; `removeAll()` in `afterAll`. */
export class TestContainers {
  readonly #docker: Docker;
  readonly #ids: string[] = [];

  constructor(docker: Docker) {
    this.#docker = docker;
  }

  /** Creates (does not start) a container running `cmd`. */
  async create(
    cmd: string[],
    options: { tty?: boolean; openStdin?: boolean; stdinOnce?: boolean; noLog?: boolean } = {},
  ): Promise<string> {
    const container = await this.#docker.createContainer({
      Image: TEST_IMAGE,
      Cmd: cmd,
      Tty: options.tty ?? false,
      OpenStdin: options.openStdin ?? false,
      StdinOnce: options.stdinOnce ?? false,
      AttachStdin: options.openStdin ?? false,
      AttachStdout: true,
      AttachStderr: true,
      Labels: { [TEST_LABEL]: 'pty-attach' },
      // Big-output tests: the engine would otherwise write every byte to its json log too.
      ...(options.noLog ? { HostConfig: { LogConfig: { Type: 'none', Config: {} } } } : {}),
    });
    this.#ids.push(container.id);
    return container.id;
  }

  /** Creates and starts a long-running container to exec into. */
  async running(): Promise<string> {
    const id = await this.create(['sleep', '600']);
    await this.#docker.getContainer(id).start();
    return id;
  }

  /** Whether the container is running now. */
  async isRunning(id: string): Promise<boolean> {
    const info = await this.#docker.getContainer(id).inspect();
    return info.State.Running;
  }

  async removeAll(): Promise<void> {
    await Promise.all(
      this.#ids.map((id) =>
        this.#docker
          .getContainer(id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
  }
}
