// The http.Agent that makes dockerode's own requests go over an engine's `connect()`: each
// request gets a connection of its own (no keep-alive pool: an idle SSH or TLS connection
// must not keep the caller's process alive). node:http is loaded only when an engine is
// resolved, not when the package is imported.
import type { Agent } from 'node:http';
import type { Duplex } from 'node:stream';
import type { EngineConnector } from './connector.js';
import { toDuplex } from './duplex.js';

/** An agent whose every connection comes from `connector.connect()`. */
export async function agentFor(connector: EngineConnector): Promise<Agent> {
  const http = await import('node:http');
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
  return new ConnectAgent({ keepAlive: false });
}
