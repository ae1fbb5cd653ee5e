// One hijacked connection per session: POST with `Upgrade: tcp`, expect 101; bytes that came
// with the 101 belong to the stream. Any other answer is the CLI's "unable to upgrade to tcp".
import type Docker from 'dockerode';
import {
  type EngineRequest,
  engineMessage,
  engineRequest,
  type Hijacked,
  readBody,
} from './engine-http.js';
import { UpgradeError } from './errors.js';

/** Sends `request` with the upgrade headers and resolves with the hijacked socket. */
export async function hijack(
  docker: Docker,
  request: Omit<EngineRequest, 'upgrade'>,
): Promise<Hijacked> {
  const req = await engineRequest(docker, { ...request, upgrade: true });
  return new Promise<Hijacked>((resolve, reject) => {
    req.once('upgrade', (res, socket, head) => {
      if (head.length > 0) socket.unshift(head);
      socket.setNoDelay?.(true);
      const type = res.headers['content-type'];
      const api = res.headers['api-version'];
      resolve({
        socket,
        contentType: typeof type === 'string' ? type : undefined,
        apiVersion: typeof api === 'string' ? api : undefined,
      });
    });
    req.once('response', (res) => {
      readBody(res).then(
        (body) => reject(new UpgradeError(res.statusCode ?? 0, engineMessage(body))),
        reject,
      );
    });
    req.once('error', reject);
  });
}
