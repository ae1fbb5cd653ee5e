// The upgrade request on a socket of our own (unix socket or plain TCP) that reads through
// `onread` into a buffer it reuses while no output holds on to it: no allocation per read, so
// no garbage for the collector at hundreds of MB/s. node:http cannot do this upgrade: it reads
// only through 'data' events (see http-reply.ts).
import type { Duplex } from 'node:stream';
import type { ChunkConsumer, Connection } from './connection.js';
import { connectNet } from './connector.js';
import { toEngineFailure } from './engine-errors.js';
import { ReplyParser } from './http-reply.js';
import { endUpgrade, feedUpgrade, upgradeTimeout } from './upgrade-reply.js';

const READ_SIZE = 64 * 1024;

/** Where and what to send. */
export interface RawUpgradeRequest {
  /** Unix socket path, or TCP host and port. */
  target: { path: string } | { host: string; port: number };
  /** The engine's address, for messages. */
  address: string;
  /** The whole request (head and body). */
  text: string;
  /** Bound of the wait for the engine's answer, in ms; none when undefined. */
  timeoutMs?: number | undefined;
}

/** A `Connection` over a socket that reads into a buffer it reuses while nobody keeps it. */
class BufferedConnection implements Connection {
  socket!: Duplex;
  contentType: string | undefined;
  apiVersion: string | undefined;
  #buffer: Buffer = Buffer.allocUnsafe(READ_SIZE);
  #retained = false;
  #paused = false;
  #consumer: ChunkConsumer | undefined;
  #early: Buffer[] = [];
  #onEnd: (() => void) | undefined;
  #ended = false;
  /** Before the 101: the reply head (and error body) collector. */
  #handshake: ((chunk: Buffer) => void) | undefined;

  /** The buffer the next read goes into. */
  nextBuffer = (): Buffer => {
    if (this.#retained) {
      this.#buffer = Buffer.allocUnsafe(READ_SIZE);
      this.#retained = false;
    }
    return this.#buffer;
  };

  /** Called by the socket for every read, synchronously. */
  onRead = (n: number, buf: Uint8Array): boolean => {
    const chunk = (buf as Buffer).subarray(0, n);
    if (this.#handshake) this.#handshake(chunk);
    else this.deliver(chunk);
    return !this.#paused;
  };

  deliver(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.#consumer) {
      if (this.#consumer(chunk)) this.#retained = true;
    } else {
      // Nobody consumes yet: keep a copy, the read buffer is about to be reused.
      this.#early.push(Buffer.from(chunk));
    }
  }

  handshake(fn: ((chunk: Buffer) => void) | undefined): void {
    this.#handshake = fn;
  }

  consume(consumer: ChunkConsumer, onEnd: () => void): void {
    this.#consumer = consumer;
    this.#onEnd = onEnd;
    const early = this.#early;
    this.#early = [];
    for (const chunk of early) consumer(chunk);
    if (this.#ended) onEnd();
  }

  ended(): void {
    this.#ended = true;
    if (this.#consumer) this.#onEnd?.();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    // With `onread`, a pause stops the handle but leaves the stream flowing: cycle it so
    // that reading starts again.
    this.socket.pause();
    this.socket.resume();
  }
}

/** Opens the socket, sends the upgrade request, and resolves on 101 with the connection. */
export async function rawUpgrade(request: RawUpgradeRequest): Promise<Connection> {
  const conn = new BufferedConnection();
  const parser = new ReplyParser();
  let onChunk: (chunk: Buffer) => void = () => undefined;
  conn.handshake((chunk) => onChunk(chunk));
  const socket = await connectNet(request.target, request.address, {
    buffer: conn.nextBuffer,
    callback: conn.onRead,
  });
  conn.socket = socket;
  return new Promise<Connection>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const fail = (error: unknown): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    if (request.timeoutMs !== undefined) {
      timer = setTimeout(
        () => fail(upgradeTimeout(request.address, request.timeoutMs!)),
        request.timeoutMs,
      );
    }
    const onError = (error: Error): void => fail(toFailure(error, request.address));
    socket.once('error', onError);
    const onEnd = (): void => {
      try {
        endUpgrade(parser);
      } catch (error) {
        fail(error);
      }
    };
    socket.once('end', onEnd);
    onChunk = (chunk) => {
      let upgraded: ReturnType<typeof feedUpgrade>;
      try {
        upgraded = feedUpgrade(parser, chunk);
      } catch (error) {
        fail(error);
        return;
      }
      if (upgraded === undefined) return;
      clearTimeout(timer);
      conn.contentType = upgraded.head.headers.get('content-type');
      conn.apiVersion = upgraded.head.headers.get('api-version');
      conn.handshake(undefined);
      socket.off('error', onError);
      socket.off('end', onEnd);
      socket.once('end', () => conn.ended());
      conn.deliver(upgraded.rest);
      resolve(conn);
    };
    socket.write(request.text);
  });
}

function toFailure(error: Error, address: string): unknown {
  return toEngineFailure(error, address, 'attach');
}
