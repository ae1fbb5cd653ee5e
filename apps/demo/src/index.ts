/**
 * The sluice demo: a browser terminal into a container. Today it serves a page that says
 * honestly that the terminal is not built yet; the terminal is its own issue.
 * @packageDocumentation
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sluice demo</title></head>
<body><h1>sluice demo</h1>
<p>The browser terminal into a container is not built yet. This server only says so.</p>
</body></html>
`;

/** Where the demo listens. */
export interface DemoOptions {
  /** Port to listen on; 0 picks a free one. */
  port?: number;
  /** Address to bind; loopback by default, since the terminal reaches into containers. */
  host?: string;
}

/** Starts the demo's HTTP server and resolves with it and its URL once it listens. */
export async function startDemo(
  options: DemoOptions = {},
): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(PAGE);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://${host}:${port}/` };
}
