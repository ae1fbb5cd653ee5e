// Small helpers for tests: the port of a listener URL, and a port nobody listens on.
import { createServer } from 'node:net';
import type { StreamListener } from '../listener.js';

/** The port in a listener's URL (`tcp://127.0.0.1:4000` → 4000). */
export function portOf(listener: StreamListener): number {
  return Number(new URL(listener.url).port);
}

/** A port that was free a moment ago on `host` (connects to it are refused). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}
