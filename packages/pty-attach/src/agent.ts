// The http.Agent that makes dockerode's own requests go over an engine's `connect()`. Plain
// sockets get a connection per request. A connection that is slow to open (ssh://: a login
// and a remote `docker system dial-stdio`, ~0.5 s) is kept for the next request, and closed
// after `SLOW_IDLE_MS` without one: it cannot be unref'd, so that bounds how long it keeps
// the caller's process alive. node:http is loaded only when `engine.docker` is made.
import type { Agent } from 'node:http';
import type { Duplex } from 'node:stream';
import type { EngineConnector } from './connector.js';
import { toDuplex } from './duplex.js';

/** How long an idle slow connection (ssh://) is kept for the next request, in ms. */
export const SLOW_IDLE_MS = 1000;

/** An agent whose every connection comes from `connector.connect()`. */
export function agentFor(connector: EngineConnector): Agent {
  const http = process.getBuiltinModule('node:http');
  class ConnectAgent extends http.Agent {
    override createConnection(
      _options: unknown,
      callback?: (error: Error | null, socket: Duplex) => void,
    ): undefined {
      connector.connect().then(
        (connection) => callback?.(null, toDuplex(connection)),
        (error: Error) => callback?.(error, undefined as never),
      );
      return undefined;
    }
  }
  return new ConnectAgent(
    connector.reuse ? { keepAlive: true, timeout: SLOW_IDLE_MS } : { keepAlive: false },
  );
}
