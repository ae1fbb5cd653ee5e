// `sluice serve URL [--key-file F] [--compress ALG] [--batch] (--exec CMD | --forward
// HOST:PORT | --echo)`: a listener whose every connection is a channel, served at the same
// time as the others: echoed, handed to a process of its own (as socat's EXEC), or forwarded
// to a TCP address.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { Channel } from '@sluice/channel';
import { type ListenOptions, listen, splitCommand } from '@sluice/transports';
import { receiveAll, sendAll } from '../bridge.js';
import { type ChannelFlags, channelOptions } from '../channel-options.js';
import type { Context } from '../context.js';
import { describeError, usageError } from '../errors.js';
import { fileError } from '../files.js';

/** Options of `sluice serve`. */
export interface ServeFlags extends ChannelFlags {
  /** Command per connection. */
  exec?: string;
  /** `host:port` to forward to. */
  forward?: string;
  /** Echo what arrives. */
  echo?: boolean;
  /** Certificate file (tls, wss). */
  cert?: string;
  /** Private key file (tls, wss). */
  key?: string;
}

type Handler = (channel: Channel) => Promise<void>;

function parseForward(target: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(target);
  const port = Number(m?.[3]);
  if (!m || !(port > 0 && port < 65536)) {
    throw usageError(`invalid --forward ${JSON.stringify(target)}: expected HOST:PORT`, 'serve');
  }
  return { host: (m[1] ?? m[2]) as string, port };
}

function handlerFor(flags: ServeFlags): Handler {
  const modes = [flags.exec !== undefined, flags.forward !== undefined, flags.echo === true];
  if (modes.filter(Boolean).length !== 1) {
    throw usageError('choose exactly one of --exec, --forward and --echo', 'serve');
  }
  if (flags.echo) {
    return async (channel) => {
      // Every message back as it came, the end-of-input message included.
      for await (const message of channel) {
        await channel.send(message);
        if (message.length === 0) break;
      }
      await channel.flush();
    };
  }
  if (flags.forward !== undefined) {
    const { host, port } = parseForward(flags.forward);
    return async (channel) => {
      const socket = netConnect({ host, port, allowHalfOpen: true, noDelay: true });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
      socket.on('error', () => undefined);
      await Promise.all([
        receiveAll(channel, socket).then(() => socket.end()),
        sendAll(socket, channel),
      ]).finally(() => socket.destroy());
    };
  }
  const argv = splitCommand(flags.exec as string);
  if (argv.length === 0) throw usageError('--exec needs a command', 'serve');
  return async (channel) => {
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    });
    child.stdin.on('error', () => undefined); // the process may stop reading early
    await Promise.all([
      receiveAll(channel, child.stdin).then(() => child.stdin.end()),
      sendAll(child.stdout, channel),
      exited,
    ]).catch((error: unknown) => {
      child.kill();
      throw error;
    });
  };
}

async function listenOptions(flags: ServeFlags): Promise<ListenOptions> {
  const read = async (path: string | undefined): Promise<string | undefined> =>
    path === undefined
      ? undefined
      : readFile(path, 'utf8').catch((error: unknown) => {
          throw fileError(path, error, 'read');
        });
  const [cert, key] = await Promise.all([read(flags.cert), read(flags.key)]);
  return { ...(cert === undefined ? {} : { cert }), ...(key === undefined ? {} : { key }) };
}

/** Runs `sluice serve` until it is stopped; resolves with the exit code. */
export async function serve(ctx: Context, url: string, flags: ServeFlags): Promise<number> {
  const handler = handlerFor(flags);
  const options = await channelOptions(flags, 'responder');
  const listener = await listen(url, await listenOptions(flags));
  ctx.io.out(`listening on ${listener.url}\n`);
  const stop = (): void => {
    void listener.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    for await (const stream of listener) {
      const channel = new Channel(stream, options);
      // Each connection on its own: one failing is reported and the others go on.
      handler(channel)
        .catch((error: unknown) => {
          ctx.io.err(`sluice: connection: ${describeError(error, 'serve').line}\n`);
        })
        .finally(() => channel.close().catch(() => undefined));
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return 0;
}
