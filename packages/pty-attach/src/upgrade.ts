// The upgrade of one engine connection into the session's stream: the request written on a
// stream-core `Stream` (a Unix or TCP socket read through `SocketReads`, a TLS socket, an SSH
// channel, a caller's connection), the reply read from it through the bounded
// `ReplyParser`, and on 101 the same `Stream` is the session's, with the bytes that came
// with the 101 handed over first.
import { type ByteStream, SocketReads, Stream, type StreamError } from '@sluice/stream-core';
import { connectNet, type EngineConnector, netTargetOf } from './connector.js';
import { toEngineFailure } from './engine-errors.js';
import { ReplyParser } from './http-reply.js';
import { endUpgrade, feedUpgrade, upgradeTimeout } from './upgrade-reply.js';

/** A hijacked connection, ready to carry a session. */
export interface Hijacked {
  /** The connection after the 101. */
  stream: ByteStream;
  /** Bytes that came with the 101: the session's first output. */
  first: Buffer;
  /** The reply's Content-Type, if any (API ≥ 1.42 says raw or multiplexed). */
  contentType: string | undefined;
  /** The engine's API version (its `Api-Version` header), if it said. */
  apiVersion: string | undefined;
}

function isByteStream(x: unknown): x is ByteStream {
  return typeof x === 'object' && x !== null && 'writeAll' in x && 'readExactly' in x;
}

/** Ends `stream` now, whatever it holds (a session over, a failed upgrade). */
export function release(stream: ByteStream): void {
  const s = stream as ByteStream & { destroy?: () => void };
  if (typeof s.destroy === 'function') s.destroy();
  else void stream.close().catch(() => undefined);
}

/** Opens a connection to the engine as a `Stream`. */
async function open(engine: EngineConnector): Promise<ByteStream> {
  const target = await netTargetOf(engine);
  if (target) {
    const reads = new SocketReads();
    const socket = await connectNet(target, engine.address, reads.onread);
    return new Stream(socket, { reads });
  }
  const connection = await engine.connect();
  return isByteStream(connection) ? connection : new Stream(connection);
}

// Resolves on the next readiness change of `stream`, or rejects at `deadline`.
function changed(
  stream: ByteStream,
  deadline: number | undefined,
  onTimeout: () => StreamError,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const off = stream.onReadiness(() => {
      clearTimeout(timer);
      off();
      resolve();
    });
    if (deadline !== undefined) {
      timer = setTimeout(
        () => {
          off();
          reject(onTimeout());
        },
        Math.max(0, deadline - Date.now()),
      );
    }
  });
}

/** Sends `text` (an upgrade request) and resolves once the engine says 101. */
export async function upgrade(
  engine: EngineConnector,
  text: string,
  timeoutMs: number | undefined,
): Promise<Hijacked> {
  const stream = await open(engine);
  const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
  const parser = new ReplyParser();
  const typed = (error: unknown): unknown => toEngineFailure(error, engine.address, 'attach');
  try {
    stream.write(text);
    for (;;) {
      let chunk: Uint8Array | null;
      try {
        chunk = stream.read(64 * 1024);
      } catch (error) {
        throw typed(error);
      }
      if (chunk === null) endUpgrade(parser);
      if (chunk.length === 0) {
        await changed(stream, deadline, () => upgradeTimeout(engine.address, timeoutMs ?? 0));
        continue;
      }
      const upgraded = feedUpgrade(
        parser,
        Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length),
      );
      if (upgraded) {
        const h = upgraded.head.headers;
        return {
          stream,
          first: upgraded.rest,
          contentType: h.get('content-type'),
          apiVersion: h.get('api-version'),
        };
      }
    }
  } catch (error) {
    release(stream);
    throw error;
  }
}
