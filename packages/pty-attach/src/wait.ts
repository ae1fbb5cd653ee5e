// The container wait, registered before the container starts as the CLI does. The engine
// sends the reply headers once the waiter is in place, so "registered" is an event here,
// not a guess: the container is started only after it.

import { StreamError } from '@sluice/stream-core';
import type Docker from 'dockerode';
import { engineMessage, engineRequest, readBody } from './engine-http.js';

/** A registered wait: `exited` resolves with the container's exit status. */
export interface RegisteredWait {
  exited: Promise<number>;
  /** Stops waiting (the session detached or failed). */
  cancel(): void;
}

/** Registers `POST /containers/{id}/wait?condition=…` and resolves once the engine holds it. */
export async function registerWait(
  docker: Docker,
  id: string,
  condition: 'not-running' | 'next-exit' | 'removed',
): Promise<RegisteredWait> {
  const req = await engineRequest(docker, {
    method: 'POST',
    path: `/containers/${encodeURIComponent(id)}/wait?condition=${condition}`,
  });
  return new Promise<RegisteredWait>((resolve, reject) => {
    req.once('error', reject);
    req.once('response', (res) => {
      const exited = readBody(res).then((body) => {
        if (res.statusCode !== 200) throw new StreamError(engineMessage(body));
        const parsed = JSON.parse(body) as { StatusCode?: number; Error?: { Message?: string } };
        if (parsed.Error?.Message) throw new StreamError(parsed.Error.Message);
        return parsed.StatusCode ?? 0;
      });
      // A cancelled wait rejects; nobody may be listening any more.
      exited.catch(() => undefined);
      resolve({ exited, cancel: () => req.destroy() });
    });
  });
}
