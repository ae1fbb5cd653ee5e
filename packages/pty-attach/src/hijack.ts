// One hijacked connection per session: POST with `Upgrade: tcp`, expect 101; bytes that came
// with the 101 belong to the stream. Any other answer is the CLI's "unable to upgrade to tcp".
// Unix sockets and plain TCP go through `rawUpgrade` (a reusable read buffer); TLS through
// node:http.
import type Docker from 'dockerode';
import { type Connection, SocketConnection } from './connection.js';
import {
  type EngineRequest,
  engineMessage,
  engineRequest,
  engineTarget,
  readBody,
} from './engine-http.js';
import { UpgradeError } from './errors.js';
import { rawUpgrade } from './raw-upgrade.js';

/** Sends `request` with the upgrade headers and resolves with the hijacked connection. */
export async function hijack(
  docker: Docker,
  request: Omit<EngineRequest, 'upgrade' | 'method'>,
): Promise<Connection> {
  const engine = await engineTarget(docker);
  const payload = request.body === undefined ? '' : JSON.stringify(request.body);
  if (!engine.secure) {
    const headers: Record<string, string> = {
      ...engine.headers,
      Connection: 'Upgrade',
      Upgrade: 'tcp',
      'Content-Length': String(Buffer.byteLength(payload)),
    };
    if (payload) headers['Content-Type'] = 'application/json';
    return rawUpgrade({
      target: engine.target,
      path: engine.prefix + request.path,
      headers,
      body: payload,
    });
  }
  const req = await engineRequest(docker, { ...request, method: 'POST', upgrade: true });
  return new Promise<Connection>((resolve, reject) => {
    req.once('upgrade', (res, socket, head) => {
      if (head.length > 0) socket.unshift(head);
      socket.pause();
      const type = res.headers['content-type'];
      const api = res.headers['api-version'];
      resolve(
        new SocketConnection(
          socket,
          typeof type === 'string' ? type : undefined,
          typeof api === 'string' ? api : undefined,
        ),
      );
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
