// Finding the Docker engine a session's container runs on, as the Docker CLI does
// (DOCKER_HOST, contexts, the default socket: pty-attach's resolveEngine), and whether it
// answers, so that a dead engine is said on the page instead of hanging it.
import { resolveEngine } from '@sluice/pty-attach';
import type Docker from 'dockerode';

/** An engine that answered, or why there is none. */
export type EngineProbe =
  | { reachable: true; docker: Docker; address: string }
  | { reachable: false; address: string; reason: string };

/** Resolves the engine from `env` and asks it for `/_ping` within `timeoutMs`. */
export async function probeEngine(
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 3000,
): Promise<EngineProbe> {
  let address = env.DOCKER_HOST || 'the default Docker engine';
  let timer: NodeJS.Timeout | undefined;
  try {
    const engine = await resolveEngine({ env });
    address = engine.address;
    await Promise.race([
      engine.docker.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { reachable: true, docker: engine.docker, address };
  } catch (error) {
    return {
      reachable: false,
      address,
      reason: error instanceof Error ? error.message : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
}
