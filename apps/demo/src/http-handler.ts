// Plain HTTP: the page (only with a valid token or view link) and its bundled assets.
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { sameToken } from './auth.js';
import { NO_TOKEN_PAGE, TERMINAL_PAGE } from './page-html.js';

/** The files of the page bundle, by URL path. */
const ASSETS: Record<string, { file: string; type: string }> = {
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.js.map': { file: 'app.js.map', type: 'application/json' },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
  '/xterm.css': { file: 'xterm.css', type: 'text/css; charset=utf-8' },
};

const SECURITY_HEADERS = {
  // The token is in the address: never hand it on in a Referer.
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
};

/** What the handler checks a page request against. */
export interface PageAccess {
  token: string;
  isViewToken: (token: string) => boolean;
  /** Where the bundle is (app.js, app.css, xterm.css). */
  assetsDir: string;
}

/** Answers plain HTTP requests. */
export function pageHandler(access: PageAccess) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    void handle(request, response, access).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  access: PageAccess,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://x');
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD', ...SECURITY_HEADERS }).end();
    return;
  }
  if (url.pathname === '/') {
    const view = url.searchParams.get('view');
    const ok =
      sameToken(url.searchParams.get('token'), access.token) ||
      (view !== null && access.isViewToken(view));
    response
      .writeHead(ok ? 200 : 401, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        ...SECURITY_HEADERS,
      })
      .end(ok ? TERMINAL_PAGE : NO_TOKEN_PAGE);
    return;
  }
  if (url.pathname === '/favicon.ico') {
    response.writeHead(204, SECURITY_HEADERS).end();
    return;
  }
  const asset = ASSETS[url.pathname];
  if (!asset) {
    response
      .writeHead(404, { 'content-type': 'text/plain', ...SECURITY_HEADERS })
      .end('not found\n');
    return;
  }
  const body = await readFile(join(access.assetsDir, asset.file));
  response.writeHead(200, { 'content-type': asset.type, ...SECURITY_HEADERS }).end(body);
}
