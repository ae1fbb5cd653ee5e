// WebSocket upgrades on the demo's own HTTP server, as stream-core Streams: transports'
// `listenWebSocket({ server })` takes the upgrades for `path`, plain requests stay with the
// page handler.
import type { IncomingMessage, Server } from 'node:http';
import type { ByteStream } from '@sluice/stream-core';
import { listenWebSocket } from '@sluice/transports';

/** How upgrades are taken. */
export interface UpgradeOptions {
  /** The path upgrades must ask for. */
  path: string;
  /** Decides whether to take an upgrade request (token, Origin); false answers 401. */
  verify: (request: IncomingMessage) => boolean;
  /** Largest WebSocket message taken from a page, in bytes. */
  maxPayload: number;
  /** Ping the page this often, in ms, and drop it when it stops answering. */
  pingIntervalMs: number;
}

/** Takes upgrades on `server`; `onStream` gets each connection. Resolves with a stopper. */
export async function acceptWebSockets(
  server: Server,
  options: UpgradeOptions,
  onStream: (stream: ByteStream) => void,
): Promise<() => Promise<void>> {
  const listener = await listenWebSocket({
    server,
    path: options.path,
    verifyClient: options.verify,
    maxPayload: options.maxPayload,
    pingIntervalMs: options.pingIntervalMs,
    // Small: what sits in the socket's buffer is latency for the next keystroke's echo.
    highWaterMark: 64 * 1024,
  });
  void (async () => {
    for await (const stream of listener) onStream(stream);
  })().catch(() => undefined);
  return () => listener.close();
}
