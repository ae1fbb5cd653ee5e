// A fake Docker engine on a real Unix socket, for unit tests without an engine and for the
// engine's failures a real one will not produce on demand: node:http answering the routes a
// test gives (inspect, wait, start, resize, exec), and the attach / exec-start upgrades
// handed to the test as the raw socket after a 101 — where docker-demux's MuxStream frames
// what the "container" writes.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Answers one plain request (or leaves it unanswered: a silent engine). */
export type Route = (req: IncomingMessage, res: ServerResponse, body: string) => unknown;
/** Takes over an upgraded connection (after this fake sent the 101). */
export type UpgradeRoute = (socket: Socket, req: IncomingMessage) => void;

/**
 * Routes by `METHOD /path` (without the version prefix and query; `*` matches a segment);
 * `UPGRADE /path` for the requests that ask for `Upgrade: tcp`.
 */
export interface FakeEngineRoutes {
  [route: `UPGRADE ${string}`]: UpgradeRoute;
  [route: `GET ${string}` | `POST ${string}`]: Route;
}

/** A fake engine: its socket, and what it was asked. */
export interface FakeEngine extends AsyncDisposable {
  /** `unix://…` for DOCKER_HOST. */
  host: string;
  /** `METHOD /path?query` of every request, in order. */
  requests: string[];
  close(): Promise<void>;
}

function match(routes: FakeEngineRoutes, method: string, url: string): unknown {
  const path = (url.split('?')[0] ?? '').replace(/^\/v[\d.]+/, '');
  for (const [key, route] of Object.entries(routes)) {
    const [m, pattern] = key.split(' ');
    if (m !== method || pattern === undefined) continue;
    const re = new RegExp(`^${pattern.replaceAll('*', '[^/]+')}$`);
    if (re.test(path)) return route;
  }
  return undefined;
}

/** JSON reply helper. */
export function json(status: number, value: unknown): Route {
  return (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(typeof value === 'string' ? value : JSON.stringify(value));
  };
}

/** The inspect of a stopped, non-TTY container `id`. */
export function inspectOf(
  id: string,
  extra: { tty?: boolean; openStdin?: boolean; running?: boolean } = {},
): Route {
  return json(200, {
    Id: id,
    Config: { Tty: extra.tty ?? false, OpenStdin: extra.openStdin ?? false },
    State: { Running: extra.running ?? false },
    HostConfig: {},
  });
}

/** Starts a fake engine with `routes`; unknown routes answer 404 as the engine does. */
export async function fakeEngine(routes: FakeEngineRoutes): Promise<FakeEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-fake-engine-'));
  const path = join(dir, 'docker.sock');
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      const route = match(routes, req.method ?? '', req.url ?? '') as Route | undefined;
      if (!route) return json(404, { message: `page not found: ${req.url}` })(req, res, body);
      route(req, res, body);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    requests.push(`${req.method} ${req.url}`);
    const route = match(routes, 'UPGRADE', req.url ?? '') as UpgradeRoute | undefined;
    if (!route) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    route(socket, req);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  const close = async (): Promise<void> => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  };
  return { host: `unix://${path}`, requests, close, [Symbol.asyncDispose]: close };
}

/** Sends the 101 of an upgrade, then the socket carries the stream. */
export function upgraded(socket: Socket, contentType?: string): void {
  socket.write(
    `HTTP/1.1 101 UPGRADED\r\n${contentType ? `Content-Type: ${contentType}\r\n` : ''}Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n`,
  );
}
