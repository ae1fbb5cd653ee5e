// ssh:// engines, reached as the Docker CLI reaches them: `docker system dial-stdio` run on
// the remote host over SSH (through @sluice/transports, host key verified against
// known_hosts), its stdin/stdout being the connection to the remote engine.
import type { Duplex } from 'node:stream';
import { type ByteStream, ConnectError } from '@sluice/stream-core';
import type { EngineEndpoint } from './endpoint.js';

/** One dial-stdio connection to the engine behind `endpoint`. */
export async function connectSshDialStdio(
  endpoint: Extract<EngineEndpoint, { kind: 'ssh' }>,
  address: string,
  _sshOptions: Record<string, unknown>,
): Promise<Duplex | ByteStream> {
  void endpoint;
  throw new ConnectError(`ssh:// engines are not reachable yet (${address})`);
}
