// TunneledSocketStream: a byte stream to target host:port through an SSH server (ssh2
// `forwardOut`, like `ssh -W`), with the server's host key verified by default.
import type { Duplex } from 'node:stream';
import { ConnectError, Stream } from '@sluice/stream-core';
import type { Client, ClientChannel } from 'ssh2';
import { checkOptions, type OptionNames } from './option-names.js';
import { SshChannelDuplex } from './ssh-channel-duplex.js';
import {
  openSshChannel,
  SSH_CONNECT_OPTION_NAMES,
  type SshConnectOptions,
  sshWhere,
} from './ssh-client.js';
import { streamCoreOptions, type TransportStreamOptions } from './stream-options.js';
import { parseSshUrl } from './url-parse.js';
import { watchIdle } from './watchdog.js';

export type { SshConnectOptions } from './ssh-client.js';

/** Where to tunnel to, and how to reach and trust the SSH server on the way. */
export interface SshTunnelOptions extends SshConnectOptions {
  /** The host and port the SSH server connects to for us. */
  target: { host: string; port: number };
}

/** Options of `connectSshTunnel`: everything but what the URL says. */
export type SshTunnelUrlOptions = Omit<SshTunnelOptions, 'host' | 'port' | 'username' | 'target'> &
  Partial<Pick<SshTunnelOptions, 'username'>>;

/** The names of `SshTunnelOptions`. */
export const SSH_TUNNEL_OPTION_NAMES: OptionNames<SshTunnelOptions> = {
  ...SSH_CONNECT_OPTION_NAMES,
  target: true,
};

/** The names of `SshTunnelUrlOptions` (what the URL does not say). */
export const SSH_URL_OPTION_NAMES: OptionNames<SshTunnelUrlOptions> = (() => {
  const { host: _h, port: _p, target: _t, ...rest } = SSH_TUNNEL_OPTION_NAMES;
  return rest;
})();

/** A stream to `target` through an SSH server; closing it closes the tunnel and the connection. */
export class TunneledSocketStream extends Stream {
  /** The SSH connection (one per stream); undefined for a tunnel made elsewhere. */
  readonly client: Client | undefined;
  /** The forwarded channel; undefined for a tunnel made elsewhere. */
  readonly channel: ClientChannel | undefined;

  /**
   * Wraps a tunnel that is already open: the channel `connect()` opened, or any Duplex that
   * leads to the target (a proxied socket, an ssh2 channel of your own, …), as the seed's
   * `TunneledSocketStream(sock)` does.
   */
  constructor(tunnel: Duplex, options: TransportStreamOptions = {}) {
    super(tunnel, streamCoreOptions(options));
    this.client = tunnel instanceof SshChannelDuplex ? tunnel.client : undefined;
    this.channel = tunnel instanceof SshChannelDuplex ? tunnel.channel : undefined;
    watchIdle(this, tunnel, options);
  }

  /** Connects and opens the tunnel to `options.target` (the same as `connectSsh`). */
  static connect(options: SshTunnelOptions): Promise<TunneledSocketStream> {
    return connectSsh(options);
  }
}

/** Connects to the SSH server, verifies it, logs in and opens a tunnel to `options.target`. */
export async function connectSsh(options: SshTunnelOptions): Promise<TunneledSocketStream> {
  checkOptions('connectSsh', options, SSH_TUNNEL_OPTION_NAMES);
  const where = sshWhere(options);
  const tunnel = await openSshChannel<SshChannelDuplex>(options, (ready, done) => {
    const { host, port } = options.target;
    ready.forwardOut('127.0.0.1', 0, host, port, (error, channel) => {
      if (!error) {
        done(undefined, new SshChannelDuplex(channel, ready));
        return;
      }
      const why = error.message.replace(/^\(SSH\) /, '');
      done(
        new ConnectError(`${where}: the server could not reach ${host}:${port}: ${why}`, {
          cause: error,
        }),
      );
    });
  });
  return new TunneledSocketStream(tunnel, options);
}

export { parseSshUrl, type SshUrl } from './url-parse.js';

/** Opens a tunnel described by `ssh://user@host[:port]/target-host:port`. */
export async function connectSshTunnel(
  url: string,
  options: SshTunnelUrlOptions = {},
): Promise<TunneledSocketStream> {
  checkOptions('connectSshTunnel', options, SSH_URL_OPTION_NAMES);
  const where = parseSshUrl(url);
  const username = where.username || options.username;
  if (!username) throw new ConnectError(`${url}: no user name (ssh://user@host/...)`);
  return connectSsh({ ...options, ...where, username });
}
