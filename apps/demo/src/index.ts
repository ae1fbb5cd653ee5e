/**
 * The sluice demo: a browser terminal into a fresh container per session (xterm.js ↔
 * WebSocket ↔ channel frames ↔ terminal messages ↔ pty-attach), with resume after a reload,
 * flow control to the container's pty, a read-only view link, and a local-shell fallback.
 *
 * @example
 * ```ts
 * import { startDemo } from '@sluice/demo';
 * const demo = await startDemo({ port: 0 });
 * console.log(demo.url); // http://127.0.0.1:PORT/?token=…
 * await demo.close();
 * ```
 * @packageDocumentation
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { originAllowed, ownOrigins, randomToken, sameToken } from './auth.js';
import { serveConnection } from './connection.js';
import { pageHandler } from './http-handler.js';
import { SessionRegistry } from './sessions.js';
import { acceptWebSockets } from './websocket.js';

export { PROTOCOL_VERSION } from './connection.js';
export { DEMO_LABEL } from './container.js';

/** How the demo runs. Every field has a default; `npm start` reads them from flags and env. */
export interface DemoOptions {
  /** Port to listen on; 0 picks a free one. Default 8080. */
  port?: number;
  /** Address to bind. Default `127.0.0.1`: the terminal reaches into containers. */
  host?: string;
  /** Access token in the printed URL. Default: 128 random bits, new at every start. */
  token?: string;
  /** Image of each session's container. Default `sluice-test/busybox`. */
  image?: string;
  /** Command run in it. Default: the image's own (`/bin/sh` for busybox). */
  command?: string[];
  /** `'auto'` (default): a container, else a local shell; `'local'`: always a local shell; `'container'`: never the fallback. */
  mode?: 'auto' | 'local' | 'container';
  /** Shell of the local fallback. Default `$SHELL`, else `/bin/sh`. */
  shell?: string;
  /** Most sessions at once; one more is refused with a message on the page. Default 4. */
  maxSessions?: number;
  /** How long a session without a page lives on for a reload to come back to, in ms. Default 60000. */
  graceMs?: number;
  /** Lines of scrollback kept for a page that comes back. Default 1000. */
  scrollback?: number;
  /** Deflate output for pages that can inflate it. Default true. */
  compress?: boolean;
  /** More origins allowed to open the WebSocket (e.g. behind a proxy). Default: only this server's own. */
  allowOrigins?: string[];
  /** Labels put on every container (tests use them to clean up). */
  labels?: Record<string, string>;
  /** Environment that says where the Docker engine is (DOCKER_HOST). Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** WebSocket ping interval, in ms; a page that stops answering is dropped. Default 15000. */
  pingIntervalMs?: number;
  /** Where the page bundle is. Default: `dist/page` of this package. */
  assetsDir?: string;
  /** Where messages go. Default `console.warn`. */
  log?: (message: string) => void;
}

/** A running demo. */
export interface Demo {
  /** The URL to open: `http://host:port/?token=…`. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly server: Server;
  readonly sessions: SessionRegistry;
  /** Stops listening, ends every session and removes its container. */
  close(): Promise<void>;
}

const DEFAULT_ASSETS = fileURLToPath(new URL('../dist/page/', import.meta.url));

function check(options: DemoOptions): void {
  const known = new Set([
    'port',
    'host',
    'token',
    'image',
    'command',
    'mode',
    'shell',
    'maxSessions',
    'graceMs',
    'scrollback',
    'compress',
    'allowOrigins',
    'labels',
    'env',
    'pingIntervalMs',
    'assetsDir',
    'log',
  ]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new TypeError(`unknown demo option: ${key}`);
  }
  const int = (name: keyof DemoOptions, min: number, max: number): void => {
    const v = options[name];
    if (v !== undefined && (!Number.isInteger(v) || (v as number) < min || (v as number) > max)) {
      throw new RangeError(`option ${name} must be an integer in ${min}..${max}, got ${String(v)}`);
    }
  };
  int('port', 0, 65535);
  int('maxSessions', 1, 10_000);
  int('graceMs', 0, 7 * 24 * 3600 * 1000);
  int('scrollback', 0, 100_000);
  int('pingIntervalMs', 0, 3600 * 1000);
  if (options.mode !== undefined && !['auto', 'local', 'container'].includes(options.mode)) {
    throw new RangeError(`option mode must be auto, local or container, got ${options.mode}`);
  }
  if (options.token !== undefined && options.token.length < 16) {
    throw new RangeError('option token must be at least 16 characters');
  }
}

/** Starts the demo server and resolves once it listens. */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  check(options);
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomToken();
  const log = options.log ?? ((message: string) => console.warn(message));
  const sessions = new SessionRegistry({
    maxSessions: options.maxSessions ?? 4,
    graceMs: options.graceMs ?? 60_000,
    scrollback: options.scrollback ?? 1000,
    launcher: {
      mode: options.mode ?? 'auto',
      container: {
        image: options.image ?? 'sluice-test/busybox',
        ...(options.command && { command: options.command }),
        ...(options.labels && { labels: options.labels }),
      },
      localShell: options.shell === undefined ? {} : { shell: options.shell },
      env: options.env ?? process.env,
      onFallback: log,
    },
  });
  const server = createServer(
    pageHandler({
      token,
      isViewToken: (t) => sessions.hasViewToken(t),
      assetsDir: options.assetsDir ?? DEFAULT_ASSETS,
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origins = ownOrigins(host, port, options.allowOrigins);
  const stopUpgrades = await acceptWebSockets(
    server,
    {
      path: '/ws',
      maxPayload: 2 * 1024 * 1024,
      pingIntervalMs: options.pingIntervalMs ?? 15_000,
      verify: (request) => {
        if (!originAllowed(request, origins)) return false;
        const query = new URL(request.url ?? '/', 'http://x').searchParams;
        const view = query.get('view');
        return (
          sameToken(query.get('token'), token) || (view !== null && sessions.hasViewToken(view))
        );
      },
    },
    (stream) =>
      void serveConnection(stream, {
        registry: sessions,
        token,
        compress: options.compress ?? true,
        helloTimeoutMs: 10_000,
        log,
      }),
  );
  const shownHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    token,
    server,
    sessions,
    close: () => {
      closing ??= (async () => {
        await stopUpgrades();
        server.close();
        server.closeAllConnections();
        await sessions.closeAll();
      })();
      return closing;
    },
  };
}
