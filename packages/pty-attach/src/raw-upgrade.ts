// The upgrade request on a socket of our own (unix socket or plain TCP), written and parsed
// here instead of by node:http, so the socket can read into a reusable buffer (`onread`):
// `http` needs 'data' events, which allocate a new buffer for every read.
import net, { type Socket } from 'node:net';
import { ProtocolError } from '@sluice/stream-core';
import type { ChunkConsumer, Connection } from './connection.js';
import { engineMessage } from './engine-http.js';
import { UpgradeError } from './errors.js';

const READ_SIZE = 64 * 1024;
const MAX_HEAD = 64 * 1024;
const MAX_ERROR_BODY = 1024 * 1024;

/** Where and what to send. */
export interface RawUpgradeRequest {
  /** Unix socket path, or TCP host and port. */
  target: { path: string } | { host: string; port: number };
  /** Request line path (with the API version prefix and query). */
  path: string;
  /** Extra headers (the modem's). */
  headers: Record<string, string>;
  /** Exact body bytes ('' for none). */
  body: string;
}

interface Head {
  status: number;
  headers: Map<string, string>;
}

function parseHead(text: string): Head {
  const [statusLine = '', ...lines] = text.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!m) throw new ProtocolError(`not an HTTP reply: ${JSON.stringify(statusLine.slice(0, 80))}`);
  const headers = new Map<string, string>();
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return { status: Number(m[1]), headers };
}

// De-chunks a complete chunked body; undefined while incomplete.
function dechunk(body: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', pos);
    if (eol < 0) return undefined;
    const size = Number.parseInt(body.toString('latin1', pos, eol), 16);
    if (!Number.isFinite(size)) return Buffer.concat(parts);
    if (size === 0) return Buffer.concat(parts);
    if (body.length < eol + 2 + size) return undefined;
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    pos = eol + 2 + size + 2;
  }
}

/** A `Connection` over a socket that reads into a buffer it reuses while nobody keeps it. */
class BufferedConnection implements Connection {
  socket!: Socket;
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
export function rawUpgrade(request: RawUpgradeRequest): Promise<Connection> {
  const conn = new BufferedConnection();
  return new Promise<Connection>((resolve, reject) => {
    const socket = net.connect({
      ...request.target,
      onread: { buffer: conn.nextBuffer, callback: conn.onRead },
    });
    conn.socket = socket;
    let head: Buffer = Buffer.alloc(0);
    let reply: Head | undefined;
    let body: Buffer = Buffer.alloc(0);
    const failWithBody = (): void => {
      const status = reply?.status ?? 0;
      socket.destroy();
      reject(new UpgradeError(status, engineMessage(body.toString('utf8'))));
    };
    const onError = (error: Error): void => reject(error);
    socket.once('error', onError);
    socket.once('end', () => {
      if (reply?.status === 101) conn.ended();
      else if (reply) failWithBody();
      else reject(new ProtocolError('the engine closed the connection before replying'));
    });
    conn.handshake((chunk) => {
      if (reply) {
        // Reading an error reply's body.
        body = Buffer.concat([body, chunk]);
        const length = Number(reply.headers.get('content-length') ?? Number.NaN);
        const chunked = /chunked/i.test(reply.headers.get('transfer-encoding') ?? '');
        if (chunked) {
          const whole = dechunk(body);
          if (whole) {
            body = whole;
            failWithBody();
          }
        } else if (
          (Number.isFinite(length) && body.length >= length) ||
          body.length > MAX_ERROR_BODY
        ) {
          failWithBody();
        }
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_HEAD) {
          socket.destroy();
          reject(new ProtocolError(`reply head longer than ${MAX_HEAD} bytes`));
        }
        return;
      }
      try {
        reply = parseHead(head.toString('latin1', 0, end));
      } catch (error) {
        socket.destroy();
        reject(error);
        return;
      }
      const rest = head.subarray(end + 4);
      if (reply.status === 101) {
        conn.contentType = reply.headers.get('content-type');
        conn.apiVersion = reply.headers.get('api-version');
        conn.handshake(undefined);
        socket.off('error', onError);
        conn.deliver(rest);
        resolve(conn);
        return;
      }
      body = Buffer.alloc(0);
      // The rest of this chunk starts the error body.
      const handler = conn;
      handler.onRead(rest.length, rest);
    });
    const host =
      'host' in request.target ? `${request.target.host}:${request.target.port}` : 'docker';
    const lines = [`POST ${request.path} HTTP/1.1`, `Host: ${host}`];
    for (const [k, v] of Object.entries(request.headers)) lines.push(`${k}: ${v}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n${request.body}`);
  });
}
