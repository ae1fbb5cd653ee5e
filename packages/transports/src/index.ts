/**
 * `@sluice/transports`: every way to get a stream-core `Stream` to a peer, client and server
 * side — TCP, TLS (incl. mutual TLS), Unix sockets (incl. Linux abstract ones), pipes,
 * subprocesses, WebSocket and SSH tunnels — and URL-based `connect()` / `listen()`.
 *
 * @example
 * ```ts
 * import { connectTcp, listenTcp } from '@sluice/transports';
 *
 * await using listener = await listenTcp({ port: 0 });
 * const port = Number(new URL(listener.url).port);
 * await using client = await connectTcp('127.0.0.1', port, { readTimeoutMs: 5000 });
 * await using server = await listener.accept();
 * await client.writeAll('ping');
 * console.log(new TextDecoder().decode(await server.readExactly(4))); // "ping"
 * ```
 * @packageDocumentation
 */
// The error family every function here rejects with, from stream-core, so that a user of
// transports alone can catch them without a second import; and the seed's constant that is
// the default of every `maxBufferSize` here.
export {
  AuthenticationError,
  BufferOverflowError,
  ConnectError,
  ConnectionLostError,
  MAX_BUFFER_SIZE,
  ProtocolError,
  StreamClosedError,
  StreamError,
  TimeoutError,
} from '@sluice/stream-core';
export { type ErrorPhase, TRANSPORT_ERRNO_KINDS, toStreamError } from './errors-map.js';
export type { StreamListener } from './listener.js';
export type { PairHooks } from './pair-duplex.js';
export { PipeStream, type PipeStreamOptions } from './pipe.js';
export {
  createPipeStream,
  createSocketStream,
  createSslStream,
  createUnixStream,
} from './seed.js';
export {
  connectTcp,
  DEFAULT_CONNECT_TIMEOUT_MS,
  type KeepAliveOptions,
  listenTcp,
  SocketStream,
  type SocketStreamOptions,
  type SocketStreamWrapOptions,
  type TcpConnectOptions,
  type TcpListenOptions,
} from './socket.js';
export {
  connectSsh,
  connectSshTunnel,
  parseSshUrl,
  type SshConnectOptions,
  type SshTunnelOptions,
  type SshTunnelUrlOptions,
  TunneledSocketStream,
} from './ssh.js';
export {
  connectSshExec,
  SshCommandError,
  type SshExecOptions,
  SshExecStream,
  type SshExitStatus,
} from './ssh-exec.js';
export type { TransportStreamOptions } from './stream-options.js';
export {
  type ExitStatus,
  type SubprocessOptions,
  SubprocessStream,
  spawnStream,
} from './subprocess.js';
export {
  connectTls,
  listenTls,
  type TlsClientOptions,
  type TlsConnectOptions,
  type TlsCredentials,
  type TlsListenOptions,
  TlsStream,
} from './tls.js';
export {
  connectUnix,
  listenUnix,
  type UnixConnectOptions,
  type UnixListenOptions,
} from './unix.js';
export {
  type ConnectOptions,
  type ConnectOptionsFor,
  connect,
  type ListenOptions,
  type ListenOptionsFor,
  listen,
  type SecureWebSocketUrlListenOptions,
  splitCommand,
  unixPath,
  type WebSocketUrlListenOptions,
} from './url.js';
export {
  decodeUrlPart,
  parseTransportUrl,
  type SshTarget,
  type SshUrl,
  type TransportUrl,
} from './url-parse.js';
export type { IdleTimeouts } from './watchdog.js';
export {
  connectWebSocket,
  listenWebSocket,
  type WebSocketConnectOptions,
  WebSocketDuplex,
  type WebSocketListenOptions,
  type WebSocketStreamOptions,
  type WebSocketTlsOptions,
  webSocketStream,
} from './websocket.js';
