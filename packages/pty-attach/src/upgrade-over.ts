// The upgrade request over any duplex connection (TLS, an SSH channel, a caller's own): the
// reply read through 'data' events into a `ReplyParser`; the bytes after the 101 are put
// back in front of the stream.
import type { Duplex } from 'node:stream';
import { type Connection, SocketConnection } from './connection.js';
import { toEngineFailure } from './engine-errors.js';
import { ReplyParser } from './http-reply.js';
import { endUpgrade, feedUpgrade, upgradeTimeout } from './upgrade-reply.js';

/** Sends `text` on `duplex` and resolves with the connection once the engine says 101. */
export function upgradeOver(
  duplex: Duplex,
  text: string,
  address: string,
  timeoutMs: number | undefined,
): Promise<Connection> {
  const parser = new ReplyParser();
  return new Promise<Connection>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const cleanup = (): void => {
      clearTimeout(timer);
      duplex.off('data', onData);
      duplex.off('end', onEnd);
      duplex.off('error', onError);
      duplex.off('close', onEnd);
    };
    const fail = (error: unknown): void => {
      cleanup();
      duplex.destroy();
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      let upgraded: ReturnType<typeof feedUpgrade>;
      try {
        upgraded = feedUpgrade(parser, chunk);
      } catch (error) {
        fail(error);
        return;
      }
      if (upgraded === undefined) return;
      cleanup();
      duplex.pause();
      if (upgraded.rest.length > 0) duplex.unshift(upgraded.rest);
      const h = upgraded.head.headers;
      resolve(new SocketConnection(duplex, h.get('content-type'), h.get('api-version')));
    };
    const onEnd = (): void => {
      try {
        endUpgrade(parser);
      } catch (error) {
        fail(error);
      }
    };
    const onError = (error: Error): void => fail(toEngineFailure(error, address, 'attach'));
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => fail(upgradeTimeout(address, timeoutMs)), timeoutMs);
    }
    duplex.on('data', onData);
    duplex.once('end', onEnd);
    duplex.once('close', onEnd);
    duplex.once('error', onError);
    duplex.write(text);
  });
}
