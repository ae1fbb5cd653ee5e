// How this package reaches an engine: one `connect()` per engine, used for every request it
// sends itself (the hijacked attach / exec-start, the wait) and, for engines made by
// `resolveEngine`, for dockerode's own calls too. A dockerode instance made by the caller is
// read the way docker-modem reads it (socket path, host and port, https, ssh).
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ByteStream } from '@sluice/stream-core';
import type Docker from 'dockerode';
import { type EngineEndpoint, formatEndpoint } from './endpoint.js';
import type { DockerOrEngine, Engine } from './engine.js';
import { toEngineFailure } from './engine-errors.js';
import type { SshEngineOptions } from './ssh-dial.js';

/** What it takes to send a request of our own to an engine. */
export interface EngineConnector {
  /** The engine's address, for messages (`unix:///var/run/docker.sock`, `tcp://…`). */
  readonly address: string;
  /** Opens a new connection to the engine. */
  connect(): Promise<Duplex | ByteStream>;
  /**
   * Where a plain socket reaches the engine (unix or TCP without TLS): sessions open it with
   * `onread`, reading into memory they choose. Absent for TLS, SSH and a caller's `connect`.
   */
  readonly netTarget: NetTarget | (() => Promise<NetTarget>) | undefined;
  /** Keep idle connections for dockerode's next call (slow to open: ssh://, a caller's). */
  readonly reuse: boolean;
  /** Prefix of every request path: the path prefix and the API version (`/v1.41`). */
  readonly prefix: string;
  /** Headers to send with each request (the modem's). */
  readonly headers: Readonly<Record<string, string>>;
  /** Default bound of the engine's answers (not of streaming), in ms; the modem's `timeout`. */
  readonly timeoutMs: number | undefined;
}

/** Where a plain socket reaches an engine. */
export type NetTarget = { path: string } | { host: string; port: number };

/** The connector's plain-socket target, if it has one (resolved when it is a function). */
export async function netTargetOf(engine: EngineConnector): Promise<NetTarget | undefined> {
  const t = engine.netTarget;
  return typeof t === 'function' ? t() : t;
}

const registry = new WeakMap<object, EngineConnector>();

/** Makes the sessions of `target` (an engine, its dockerode) use `connector`. @internal */
export function registerConnector(target: object, connector: EngineConnector): void {
  registry.set(target, connector);
}

interface ModemSettings {
  socketPath?: string | (() => string | Promise<string>);
  host?: string;
  port?: number | string;
  protocol?: string;
  username?: string;
  version?: string;
  pathPrefix?: string;
  timeout?: number;
  ca?: string | Buffer | (string | Buffer)[];
  cert?: string | Buffer;
  key?: string | Buffer;
  headers?: Record<string, string>;
  sshOptions?: Record<string, unknown>;
}

/**
 * The connector for `target`: an engine's from `resolveEngine` (or its dockerode), one of
 * the caller's own `Engine`, or one read from a caller's dockerode modem settings. Kept per
 * target, so its requests share kept-alive connections.
 */
export function connectorOf(target: DockerOrEngine): EngineConnector {
  if ((typeof target !== 'object' && typeof target !== 'function') || target === null) {
    throw new TypeError(
      `the engine must be an Engine from resolveEngine() or a dockerode instance, not ${target === null ? 'null' : typeof target}`,
    );
  }
  const known = registry.get(target);
  if (known) return known;
  const made = isEngine(target) ? engineConnector(target) : modemConnector(target);
  registry.set(target, made);
  return made;
}

function isEngine(target: DockerOrEngine): target is Engine {
  return typeof (target as Partial<Engine>).connect === 'function' && !('modem' in target);
}

// An `Engine` the caller implemented: its own connect(), nothing else known.
function engineConnector(engine: Engine): EngineConnector {
  return {
    address: String(engine.address),
    netTarget: undefined,
    reuse: true,
    connect: () => engine.connect(),
    prefix: '',
    headers: {},
    timeoutMs: undefined,
  };
}

function modemConnector(docker: Docker): EngineConnector {
  const modem = (docker as { modem?: ModemSettings }).modem ?? {};
  const prefix = joinPrefix(modem.pathPrefix, modem.version);
  const base = {
    prefix,
    headers: { ...modem.headers },
    timeoutMs: typeof modem.timeout === 'number' && modem.timeout > 0 ? modem.timeout : undefined,
  };
  if (modem.socketPath !== undefined && !modem.host) {
    const socketPath = modem.socketPath;
    // docker-modem's default is a function (~/.docker/run/docker.sock or /var/run/docker.sock).
    if (typeof socketPath === 'string') {
      return { ...base, ...endpointConnector({ kind: 'unix', path: socketPath }) };
    }
    let path: Promise<string> | undefined;
    const resolved = (): Promise<string> => {
      path ??= Promise.resolve(socketPath());
      return path;
    };
    return {
      ...base,
      address: 'unix:///var/run/docker.sock',
      netTarget: async () => ({ path: await resolved() }),
      reuse: false,
      connect: async () => connectEndpoint({ kind: 'unix', path: await resolved() }),
    };
  }
  const host = modem.host ?? 'localhost';
  const endpoint: EngineEndpoint =
    modem.protocol === 'ssh'
      ? {
          kind: 'ssh',
          host,
          port: Number(modem.port ?? 22),
          username: modem.username,
          socketPath: undefined,
        }
      : {
          kind: 'tcp',
          host,
          port: Number(modem.port ?? (modem.protocol === 'https' ? 2376 : 2375)),
          pathPrefix: '',
          tls:
            modem.protocol === 'https'
              ? {
                  verify: true,
                  ...(modem.ca !== undefined ? { ca: pemOf(modem.ca) } : {}),
                  ...(modem.cert !== undefined ? { cert: pemOf(modem.cert) } : {}),
                  ...(modem.key !== undefined ? { key: pemOf(modem.key) } : {}),
                }
              : undefined,
        };
  return {
    ...base,
    ...endpointConnector(endpoint, { sshOptions: sshOptionsOf(modem.sshOptions) }),
  };
}

// docker-modem's sshOptions are ssh2's: keep the ones that mean the same here.
function sshOptionsOf(o: Record<string, unknown> | undefined): SshEngineOptions {
  const out: SshEngineOptions = {};
  if (typeof o?.privateKey === 'string' || Buffer.isBuffer(o?.privateKey))
    out.privateKey = o.privateKey as string | Buffer;
  if (typeof o?.passphrase === 'string') out.passphrase = o.passphrase;
  if (typeof o?.agent === 'string') out.agent = o.agent;
  return out;
}

function pemOf(value: string | Buffer | (string | Buffer)[]): Buffer {
  if (Array.isArray(value)) return Buffer.concat(value.map((v) => Buffer.from(v)));
  return Buffer.from(value);
}

/** `/prefix/v1.41` from a path prefix and an API version. */
export function joinPrefix(pathPrefix: string | undefined, version: string | undefined): string {
  const p = (pathPrefix ?? '').replace(/\/+$/, '');
  const withSlash = p === '' || p.startsWith('/') ? p : `/${p}`;
  return withSlash + (version ? `/${version.replace(/^\/+/, '')}` : '');
}

/** Options of the connections to an endpoint. */
export interface EndpointConnectOptions {
  /** SSH settings for ssh:// engines (known_hosts, identity, agent). */
  sshOptions?: SshEngineOptions | undefined;
}

/** `address`, `netTarget` and `connect` for an endpoint. */
export function endpointConnector(
  endpoint: EngineEndpoint,
  options: EndpointConnectOptions = {},
): Pick<EngineConnector, 'address' | 'netTarget' | 'connect' | 'reuse'> {
  return {
    address: formatEndpoint(endpoint),
    reuse: endpoint.kind === 'ssh',
    netTarget:
      endpoint.kind === 'unix'
        ? { path: endpoint.path }
        : endpoint.kind === 'tcp' && endpoint.tls === undefined
          ? { host: endpoint.host, port: endpoint.port }
          : undefined,
    connect: () => connectEndpoint(endpoint, options),
  };
}

/** Opens one connection to `endpoint`; failures are `ConnectError` naming it, and the rest of the family. */
export async function connectEndpoint(
  endpoint: EngineEndpoint,
  options: EndpointConnectOptions = {},
): Promise<Duplex | ByteStream> {
  const address = formatEndpoint(endpoint);
  switch (endpoint.kind) {
    case 'unix':
      return connectNet({ path: endpoint.path }, address);
    case 'tcp':
      if (endpoint.tls === undefined)
        return connectNet({ host: endpoint.host, port: endpoint.port }, address);
      return connectTls(endpoint.host, endpoint.port, endpoint.tls, address);
    case 'ssh': {
      const { connectSshDialStdio } = await import('./ssh-dial.js');
      return connectSshDialStdio(endpoint, address, options.sshOptions ?? {});
    }
  }
}

/** A plain socket to `target`, resolved once connected. */
export async function connectNet(
  target: { path: string } | { host: string; port: number },
  address: string,
  onread?: { buffer: () => Uint8Array; callback: (n: number, b: Uint8Array) => boolean },
): Promise<Socket> {
  // Read, not imported: an import of a built-in builds its ES-module facade, which runs every
  // lazy getter of the module; this is on every session's path to its first request.
  const net = process.getBuiltinModule('node:net');
  return new Promise<Socket>((resolve, reject) => {
    const socket = net.connect(onread ? { ...target, onread } : target);
    const onError = (error: Error): void => {
      socket.destroy();
      reject(toEngineFailure(error, address, 'connect'));
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

// The last TLS session of each engine's settings (the same CA, client certificate and key:
// never another identity's), offered on the next connection so that it resumes instead of
// a full handshake — every session opens two connections of its own (attach, wait).
const tlsSessions = new WeakMap<object, Buffer>();

async function connectTls(
  host: string,
  port: number,
  settings: { ca?: Buffer; cert?: Buffer; key?: Buffer; verify: boolean },
  address: string,
): Promise<Socket> {
  const tls = process.getBuiltinModule('node:tls');
  const net = process.getBuiltinModule('node:net');
  const { AuthenticationError } = await import('@sluice/stream-core');
  return new Promise<Socket>((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      ...(settings.ca ? { ca: settings.ca } : {}),
      ...(settings.cert ? { cert: settings.cert } : {}),
      ...(settings.key ? { key: settings.key } : {}),
      rejectUnauthorized: settings.verify,
      ...(net.isIP(host) ? {} : { servername: host }),
      ...(tlsSessions.has(settings) ? { session: tlsSessions.get(settings) } : {}),
    });
    socket.on('session', (session: Buffer) => tlsSessions.set(settings, session));
    const onError = (error: NodeJS.ErrnoException): void => {
      socket.destroy();
      const code = error.code ?? '';
      reject(
        /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO|HOSTNAME|ALT_NAME/.test(code)
          ? new AuthenticationError(
              `the Docker engine at ${address} failed TLS verification (${code}): ${error.message}`,
              { cause: error },
            )
          : toEngineFailure(error, address, 'connect'),
      );
    };
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}
