// The engine's JSON requests a session needs (inspect, create, start, resize, kill, remove,
// exec create and inspect), sent by this package itself over the engine's `connect()` — the
// same connections its hijacks and waits use, for unix, tcp, tcp+TLS and ssh alike — instead
// of through dockerode, which a session then never loads (dockerode and what it pulls in,
// some 300 modules, are most of a CLI's start-up). Replies are read with the bounded
// `ReplyParser`; connections are kept alive between requests (connection-pool.ts).
import type { Duplex } from 'node:stream';
import { ProtocolError, TimeoutError } from '@sluice/stream-core';
import { ConnectionPool } from './connection-pool.js';
import type { EngineConnector } from './connector.js';
import { toDuplex } from './duplex.js';
import { toEngineFailure } from './engine-errors.js';
import { engineMessage } from './engine-http.js';
import { EngineError } from './errors.js';
import { ReplyParser } from './http-reply.js';
import { type EngineRequest, requestText } from './request-text.js';

/** One request and how to bound it. */
export interface ClientRequest extends Omit<EngineRequest, 'upgrade'> {
  /** The operation, for messages ("inspect container abc"). */
  what: string;
  /** Bound of the answer, in ms; default the engine's timeout (none). */
  timeoutMs?: number | undefined;
  /** Abandons the request (its connection is closed). */
  signal?: AbortSignal | undefined;
  /** Called once the request is written: work that would delay the write waits for this. */
  onSent?: (() => void) | undefined;
}

/** A reply read to its end. */
export interface ClientReply {
  status: number;
  body: Buffer;
}

const clients = new WeakMap<EngineConnector, EngineClient>();

/** The client of `connector` (one pool per engine). */
export function clientOf(connector: EngineConnector): EngineClient {
  let client = clients.get(connector);
  if (!client) {
    client = new EngineClient(connector);
    clients.set(connector, client);
  }
  return client;
}

/** Requests to one engine over kept-alive connections. */
export class EngineClient {
  readonly #engine: EngineConnector;
  readonly #pool: ConnectionPool;

  constructor(engine: EngineConnector) {
    this.#engine = engine;
    this.#pool = new ConnectionPool(async () => toDuplex(await engine.connect()));
  }

  /** The engine's address, for messages. */
  get address(): string {
    return this.#engine.address;
  }

  /** The pool (for tests and for closing idle connections). */
  get pool(): ConnectionPool {
    return this.#pool;
  }

  /** Sends `request`; a 2xx reply resolves, any other is an `EngineError` with the engine's message. */
  async send(request: ClientRequest): Promise<ClientReply> {
    const reply = await this.#sendOnce(request, true);
    if (reply.status < 200 || reply.status > 299) {
      const detail = engineMessage(reply.body.toString('utf8'));
      throw new EngineError(
        reply.status,
        detail,
        `${request.what}: the engine answered ${reply.status}${detail ? `: ${detail}` : ''}`,
      );
    }
    return reply;
  }

  /** `send`, and the reply's JSON object. */
  async json<T>(request: ClientRequest): Promise<T> {
    const { body } = await this.send(request);
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      value = undefined;
    }
    if (typeof value !== 'object' || value === null) {
      throw new ProtocolError(`${request.what}: the engine's reply is not a JSON object`);
    }
    return value as T;
  }

  async #sendOnce(request: ClientRequest, mayRetry: boolean): Promise<ClientReply> {
    const engine = this.#engine;
    request.signal?.throwIfAborted();
    let taken: Awaited<ReturnType<ConnectionPool['take']>>;
    try {
      taken = await this.#pool.take();
    } catch (error) {
      throw toEngineFailure(error, engine.address, request.what);
    }
    const text = requestText(
      { method: request.method, path: request.path, body: request.body },
      engine.prefix,
      engine.headers,
    );
    try {
      const { reply, reusable } = await exchange(
        taken.connection,
        text,
        request,
        request.timeoutMs ?? engine.timeoutMs,
        engine.address,
      );
      if (reusable) this.#pool.give(taken.connection);
      else taken.connection.destroy();
      return reply;
    } catch (error) {
      taken.connection.destroy();
      // A kept connection the engine closed just as it was reused: once more on a new one,
      // for a request that is safe to repeat.
      if (error instanceof Stale && taken.reused && mayRetry && request.method === 'GET') {
        return this.#sendOnce(request, false);
      }
      throw error instanceof Stale ? error.failure : error;
    }
  }
}

// The connection ended before any byte of the reply.
class Stale extends Error {
  readonly failure: unknown;
  constructor(failure: unknown) {
    super('stale connection');
    this.failure = failure;
  }
}

/** Writes `text` on `connection` and reads one reply to its end. */
function exchange(
  connection: Duplex,
  text: string,
  request: ClientRequest,
  timeoutMs: number | undefined,
  address: string,
): Promise<{ reply: ClientReply; reusable: boolean }> {
  return new Promise((resolve, reject) => {
    const parser = new ReplyParser();
    let got = 0;
    let timer: NodeJS.Timeout | undefined;
    const cleanup = (): void => {
      clearTimeout(timer);
      connection.off('data', onData);
      connection.off('end', onEnd);
      connection.off('error', onError);
      connection.off('close', onClose);
      request.signal?.removeEventListener('abort', onAbort);
    };
    const fail = (error: unknown): void => {
      cleanup();
      reject(error);
    };
    const dropped = (cause?: unknown): unknown => {
      const failure = toEngineFailure(
        cause ??
          Object.assign(new Error('the engine closed the connection'), { code: 'ECONNRESET' }),
        address,
        request.what,
      );
      return got === 0 ? new Stale(failure) : failure;
    };
    const done = (reusable: boolean): void => {
      cleanup();
      const head = parser.head;
      resolve({
        reply: { status: head?.status ?? 0, body: parser.body },
        reusable: reusable && !/\bclose\b/i.test(head?.headers.get('connection') ?? ''),
      });
    };
    function onData(chunk: Buffer): void {
      got += chunk.length;
      try {
        parser.push(chunk);
      } catch (error) {
        fail(error);
        return;
      }
      if (parser.done) done(true);
    }
    function onEnd(): void {
      try {
        parser.end();
      } catch (error) {
        fail(got === 0 || parser.head ? dropped() : error);
        return;
      }
      // A body delimited by the close: complete, and the connection is gone.
      done(false);
    }
    function onError(error: Error): void {
      fail(dropped(error));
    }
    function onClose(): void {
      fail(dropped());
    }
    function onAbort(): void {
      fail(request.signal?.reason ?? new Error('aborted'));
    }
    connection.on('data', onData);
    connection.once('end', onEnd);
    connection.once('error', onError);
    connection.once('close', onClose);
    request.signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs !== undefined) {
      timer = setTimeout(
        () =>
          fail(
            new TimeoutError(
              `${request.what}: the engine at ${address} did not answer within ${timeoutMs} ms`,
              { timeoutMs },
            ),
          ),
        timeoutMs,
      );
    }
    connection.write(text);
    request.onSent?.();
  });
}
