// The real Docker engine that scripts/engines/docker.sh starts, and the test image it imports.
import Docker from 'dockerode';
import { findRealPart, type RealPart } from './real-part.js';

/** The image every Docker test uses: busybox imported from a local root filesystem. */
export const TEST_IMAGE = 'sluice-test/busybox:latest';

let cached: Promise<RealPart<Docker>> | undefined;

/** The Docker engine on the default socket with the test image present, or why not. */
export function dockerEngine(): Promise<RealPart<Docker>> {
  cached ??= findRealPart('a Docker engine with the sluice-test/busybox image', async () => {
    const docker = new Docker();
    try {
      await docker.ping();
    } catch (error) {
      throw new Error(
        `no engine answers on ${process.env.DOCKER_HOST ?? '/var/run/docker.sock'} (${String(error)})`,
      );
    }
    try {
      await docker.getImage(TEST_IMAGE).inspect();
    } catch {
      throw new Error(
        `the engine has no image ${TEST_IMAGE} (scripts/engines/docker.sh imports it)`,
      );
    }
    return docker;
  });
  return cached;
}

/** Labels put on every container a test makes, so a run can clean up what it left. */
export const TEST_LABEL = 'dev.sluice.test';

/**
 * Removes the containers labelled `TEST_LABEL=owner`, running or not. Test files run in
 * parallel, so each cleans up only what it made: the label's value names the owner.
 */
export async function removeTestContainers(docker: Docker, owner: string): Promise<void> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`${TEST_LABEL}=${owner}`] },
  });
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
}
