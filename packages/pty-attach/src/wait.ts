// The container wait, registered before the container starts as the CLI does. The engine
// sends the reply head once the waiter is in place, so "registered" is an event here, not a
// guess: the container is started only after it. Sent over the engine's own connection
// (unix, TCP, TLS, SSH alike) and read with the bounded reply parser.
import type { Duplex } from 'node:stream';
import { ProtocolError, StreamError, TimeoutError } from '@sluice/stream-core';
import { connectNet, connectorOf, netTargetOf } from './connector.js';
import { toDuplex } from './duplex.js';
import type { DockerOrEngine } from './engine.js';
import { toEngineFailure } from './engine-errors.js';
import { engineMessage } from './engine-http.js';
import { EngineError } from './errors.js';
import { ReplyParser } from './http-reply.js';
import { requestText } from './request-text.js';

/** A registered wait: `exited` resolves with the container's exit status. */
export interface RegisteredWait {
  exited: Promise<number>;
  /** Stops waiting (the session detached or failed). */
  cancel(): void;
}

/** Options of a wait registration. */
export interface WaitOptions {
  /** Bound of the wait for the engine to confirm the registration, in ms; default the engine's timeout (none). */
  timeoutMs?: number | undefined;
}

/** Registers `POST /containers/{id}/wait?condition=…` and resolves once the engine holds it. */
export async function registerWait(
  target: DockerOrEngine,
  id: string,
  condition: 'not-running' | 'next-exit' | 'removed',
  options: WaitOptions = {},
): Promise<RegisteredWait> {
  const engine = connectorOf(target);
  const what = `wait for container ${id}`;
  const text = requestText(
    { method: 'POST', path: `/containers/${encodeURIComponent(id)}/wait?condition=${condition}` },
    engine.prefix,
    engine.headers,
  );
  const net = await netTargetOf(engine);
  const duplex: Duplex = net
    ? await connectNet(net, engine.address)
    : toDuplex(await engine.connect());
  const timeoutMs = options.timeoutMs ?? engine.timeoutMs;
  const parser = new ReplyParser();
  return new Promise<RegisteredWait>((resolveRegistered, rejectRegistered) => {
    let registered = false;
    let settleExit!: { resolve: (code: number) => void; reject: (error: unknown) => void };
    const exited = new Promise<number>((resolve, reject) => {
      settleExit = { resolve, reject };
    });
    // A cancelled wait rejects; nobody may be listening any more.
    exited.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const finish = (error: unknown, code?: number): void => {
      clearTimeout(timer);
      duplex.off('data', onData);
      duplex.destroy();
      if (!registered) {
        registered = true;
        rejectRegistered(error);
      } else if (error !== undefined) settleExit.reject(error);
      else settleExit.resolve(code ?? 0);
    };
    const onDone = (): void => {
      const status = parser.head?.status ?? 0;
      const body = parser.body.toString('utf8');
      if (status !== 200) {
        const detail = engineMessage(body);
        finish(
          new EngineError(status, detail, `${what}: the engine answered ${status}: ${detail}`),
        );
        return;
      }
      let parsed: { StatusCode?: unknown; Error?: { Message?: unknown } | null };
      try {
        parsed = JSON.parse(body) as typeof parsed;
      } catch (error) {
        finish(
          new ProtocolError(`${what}: the engine's reply is not valid JSON`, { cause: error }),
        );
        return;
      }
      if (typeof parsed?.Error?.Message === 'string' && parsed.Error.Message !== '') {
        finish(new StreamError(`${what}: ${parsed.Error.Message}`));
        return;
      }
      finish(undefined, typeof parsed?.StatusCode === 'number' ? parsed.StatusCode : 0);
    };
    const onData = (chunk: Buffer): void => {
      try {
        parser.push(chunk);
      } catch (error) {
        finish(error);
        return;
      }
      if (!registered && parser.head?.status === 200) {
        registered = true;
        clearTimeout(timer);
        resolveRegistered({ exited, cancel: () => duplex.destroy() });
      }
      if (parser.done) onDone();
    };
    duplex.on('data', onData);
    duplex.once('end', () => {
      try {
        parser.end();
      } catch (error) {
        finish(
          parser.head
            ? toEngineFailure(
                Object.assign(new Error('closed'), { code: 'ECONNRESET' }),
                engine.address,
                what,
              )
            : error,
        );
        return;
      }
      if (!parser.done) return;
      onDone();
    });
    duplex.once('error', (error) => finish(toEngineFailure(error, engine.address, what)));
    duplex.once('close', () => {
      if (registered) settleExit.reject(new StreamError(`${what}: cancelled`));
    });
    if (timeoutMs !== undefined) {
      timer = setTimeout(
        () =>
          finish(
            new TimeoutError(
              `${what}: the engine at ${engine.address} did not register the wait within ${timeoutMs} ms`,
              { timeoutMs },
            ),
          ),
        timeoutMs,
      );
    }
    duplex.write(text);
  });
}
