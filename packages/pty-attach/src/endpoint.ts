// Where an engine listens, parsed from a Docker host string as the Docker CLI writes it
// (`unix:///var/run/docker.sock`, `tcp://host:2376[/prefix]`, `ssh://user@host:22`), and the
// TLS material that goes with a tcp:// one.
import { ConnectError } from '@sluice/stream-core';

/** TLS settings of a tcp:// engine. */
export interface EngineTls {
  /** CA certificate(s) to verify the engine with (PEM). */
  ca?: Buffer;
  /** Client certificate (PEM). */
  cert?: Buffer;
  /** Client key (PEM). */
  key?: Buffer;
  /** Verify the engine's certificate; false only with DOCKER_TLS / SkipTLSVerify. */
  verify: boolean;
}

/** A parsed engine address. */
export type EngineEndpoint =
  | { kind: 'unix'; path: string }
  | { kind: 'tcp'; host: string; port: number; pathPrefix: string; tls: EngineTls | undefined }
  | {
      kind: 'ssh';
      host: string;
      port: number;
      username: string | undefined;
      /** The remote engine's socket, when the URL names one (`ssh://host/run/docker.sock`). */
      socketPath: string | undefined;
    };

/** The default engine socket. */
export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

function decode(part: string, raw: string): string {
  try {
    return decodeURIComponent(part);
  } catch (error) {
    throw new ConnectError(`malformed percent-escape in Docker host ${JSON.stringify(raw)}`, {
      cause: error,
    });
  }
}

/** Parses a Docker host string; anything the CLI would not accept is a `ConnectError`. */
export function parseDockerHost(raw: string): EngineEndpoint {
  const host = raw.trim();
  if (host === '') throw new ConnectError('empty Docker host');
  if (host.startsWith('unix://')) {
    const path = decode(host.slice('unix://'.length), raw);
    if (path === '') return { kind: 'unix', path: '/var/run/docker.sock' };
    if (!path.startsWith('/')) {
      throw new ConnectError(
        `a unix:// Docker host takes an absolute path (unix:///path), not ${JSON.stringify(raw)}`,
      );
    }
    return { kind: 'unix', path };
  }
  // The CLI reads "host:port" as tcp://host:port.
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? host : `tcp://${host}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch (error) {
    throw new ConnectError(`not a Docker host: ${JSON.stringify(raw)}`, { cause: error });
  }
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    if (url.hostname === '')
      throw new ConnectError(`no host in Docker host ${JSON.stringify(raw)}`);
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    return {
      kind: 'tcp',
      host: hostname,
      port: url.port === '' ? (url.protocol === 'https:' ? 2376 : 2375) : Number(url.port),
      pathPrefix: url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, ''),
      tls: url.protocol === 'https:' ? { verify: true } : undefined,
    };
  }
  if (url.protocol === 'ssh:') {
    if (url.hostname === '')
      throw new ConnectError(`no host in Docker host ${JSON.stringify(raw)}`);
    if (url.password !== '') {
      throw new ConnectError(`an ssh:// Docker host takes no password: ${JSON.stringify(raw)}`);
    }
    return {
      kind: 'ssh',
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port === '' ? 22 : Number(url.port),
      username: url.username === '' ? undefined : decode(url.username, raw),
      socketPath:
        url.pathname === '' || url.pathname === '/' ? undefined : decode(url.pathname, raw),
    };
  }
  throw new ConnectError(
    `unsupported Docker host ${JSON.stringify(raw)}: use unix://, tcp:// or ssh://`,
  );
}

/** The endpoint as the Docker CLI writes it, for messages. */
export function formatEndpoint(e: EngineEndpoint): string {
  switch (e.kind) {
    case 'unix':
      return `unix://${e.path}`;
    case 'tcp':
      return `tcp://${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}${e.pathPrefix}`;
    case 'ssh':
      return `ssh://${e.username ? `${e.username}@` : ''}${e.host}:${e.port}${e.socketPath ?? ''}`;
  }
}
