// Requests this package sends to the engine itself, over the connection settings of a
// dockerode instance: the hijacked attach/exec-start (dockerode would send a JSON body that
// can land in the container's stdin, dockerode #777) and the wait whose registration must
// be confirmed before the container starts.
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type Docker from 'dockerode';

interface ModemSettings {
  socketPath?: string | (() => string | Promise<string>);
  host?: string;
  port?: number | string;
  protocol?: string;
  version?: string;
  ca?: unknown;
  cert?: unknown;
  key?: unknown;
  headers?: Record<string, string>;
}

/** One request to the engine; `body` is sent with an exact Content-Length, or none at all. */
export interface EngineRequest {
  method: 'GET' | 'POST';
  /** Path without the API version prefix, with its query string. */
  path: string;
  /** JSON body; omitted means no body bytes at all (`Content-Length: 0`). */
  body?: unknown;
  /** Ask for the connection to be hijacked (`Connection: Upgrade`, `Upgrade: tcp`). */
  upgrade?: boolean;
}

/** Where the engine listens, per the dockerode instance. */
export interface EngineTarget {
  target: { path: string } | { host: string; port: number };
  /** True for TLS (https) engines. */
  secure: boolean;
  /** API version prefix for paths ('' when the engine's default is used). */
  prefix: string;
  headers: Record<string, string>;
}

/** Resolves the dockerode instance's connection settings. */
export async function engineTarget(docker: Docker): Promise<EngineTarget> {
  const modem = docker.modem as ModemSettings;
  const socketPath =
    typeof modem.socketPath === 'function' ? await modem.socketPath() : modem.socketPath;
  return {
    target: socketPath
      ? { path: socketPath }
      : { host: modem.host ?? 'localhost', port: Number(modem.port ?? 2375) },
    secure: !socketPath && modem.protocol === 'https',
    prefix: modem.version ? `/${modem.version}` : '',
    headers: { ...modem.headers },
  };
}

/** Opens `request` and resolves with the ClientRequest, before any answer arrives. */
export async function engineRequest(
  docker: Docker,
  request: EngineRequest,
): Promise<ClientRequest> {
  const modem = docker.modem as ModemSettings;
  const socketPath =
    typeof modem.socketPath === 'function' ? await modem.socketPath() : modem.socketPath;
  const payload = request.body === undefined ? '' : JSON.stringify(request.body);
  const headers: Record<string, string> = {
    ...modem.headers,
    'Content-Length': String(Buffer.byteLength(payload)),
  };
  if (payload) headers['Content-Type'] = 'application/json';
  if (request.upgrade) {
    headers.Connection = 'Upgrade';
    headers.Upgrade = 'tcp';
  }
  const options: https.RequestOptions = {
    method: request.method,
    path: (modem.version ? `/${modem.version}` : '') + request.path,
    headers,
    // A connection of its own: a hijacked socket must never go back to a pool.
    agent: false,
  };
  if (socketPath) options.socketPath = socketPath;
  else {
    options.host = modem.host ?? 'localhost';
    options.port = modem.port === undefined ? undefined : Number(modem.port);
  }
  const secure = !socketPath && modem.protocol === 'https';
  if (secure) Object.assign(options, { ca: modem.ca, cert: modem.cert, key: modem.key });
  const req = (secure ? https : http).request(options);
  // Everything in one write, and nothing after the header block when there is no body.
  req.end(payload);
  return req;
}

/** Reads a whole (small) reply body as text. */
export function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

/** The engine's `{"message": …}` text, or the body as it came. */
export function engineMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // Not JSON: show it as it came.
  }
  return body.trim();
}
