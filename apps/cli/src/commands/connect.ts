// `sluice connect URL [--key-file F] [--compress ALG]`: stdin and stdout through a channel to
// a `sluice serve`, as netcat does: at the end of stdin it half-closes, and it ends when the
// peer's side ends.
import { readFile } from 'node:fs/promises';
import { Channel } from '@sluice/channel';
import { type ConnectOptions, connect } from '@sluice/transports';
import { receiveAll, sendAll } from '../bridge.js';
import { type ChannelFlags, channelOptions } from '../channel-options.js';
import type { Context } from '../context.js';
import { fileError } from '../files.js';
import { startProgress } from '../progress.js';

/** Options of `sluice connect`. */
export interface ConnectFlags extends ChannelFlags {
  /** CA to trust (tls, wss). */
  ca?: string;
  /** SSH private key. */
  identity?: string;
  /** known_hosts file for ssh. */
  knownHosts?: string;
}

async function readPem(path: string | undefined): Promise<string | undefined> {
  if (path === undefined) return undefined;
  return readFile(path, 'utf8').catch((error: unknown) => {
    throw fileError(path, error, 'read');
  });
}

/** The transport options the flags ask for. */
async function transportOptions(flags: ConnectFlags): Promise<ConnectOptions> {
  const [ca, privateKey] = await Promise.all([readPem(flags.ca), readPem(flags.identity)]);
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(privateKey === undefined ? {} : { privateKey }),
    ...(flags.knownHosts === undefined ? {} : { knownHosts: flags.knownHosts }),
  };
}

/** Runs `sluice connect`; resolves with the exit code. */
export async function connectCommand(
  ctx: Context,
  url: string,
  flags: ConnectFlags,
): Promise<number> {
  const options = await channelOptions(flags, 'initiator');
  const stream = await connect(url, await transportOptions(flags));
  const channel = new Channel(stream, options);
  const progress = startProgress(ctx.io, 'connect');
  try {
    // A wrong key is reported as such before any byte of stdin is read.
    await channel.handshake();
    const sending = sendAll(process.stdin, channel, progress.add);
    // Sending may fail after the peer has gone; the answer decides how this ends.
    sending.catch(() => undefined);
    await receiveAll(channel, process.stdout, progress.add);
    return 0;
  } finally {
    progress.stop();
    await channel.close().catch(() => undefined);
  }
}
