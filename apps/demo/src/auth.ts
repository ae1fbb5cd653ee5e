// The demo's safety checks: random tokens compared in constant time, and the Origin of a
// WebSocket upgrade, which a browser always sends and a foreign page cannot forge.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A random URL-safe token (128 bits). */
export function randomToken(): string {
  return randomBytes(16).toString('base64url');
}

/** True when `given` is `expected`, in time that does not depend on where they differ. */
export function sameToken(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * True when the request's Origin is one of `allowed` (e.g. `http://127.0.0.1:8080`). No
 * Origin at all is refused too: every browser sends one on a WebSocket upgrade, so only a
 * non-browser client lacks it, and it can send the token in the URL like anyone else.
 */
export function originAllowed(request: IncomingMessage, allowed: ReadonlySet<string>): boolean {
  const origin = request.headers.origin;
  return typeof origin === 'string' && allowed.has(origin.toLowerCase());
}

/** The origins a page served by this server has, for a server on `port`. */
export function ownOrigins(host: string, port: number, extra: readonly string[] = []): Set<string> {
  const hosts = new Set([host, '127.0.0.1', 'localhost', '[::1]']);
  const origins = new Set<string>();
  for (const h of hosts) {
    const name = h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
    origins.add(`http://${name}:${port}`.toLowerCase());
  }
  for (const o of extra) origins.add(o.replace(/\/+$/, '').toLowerCase());
  return origins;
}
