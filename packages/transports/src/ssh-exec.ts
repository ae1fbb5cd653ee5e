// connectSshExec: a command run on an SSH server, as a Stream over its stdin and stdout (what
// `ssh host cmd` gives a shell pipeline); e.g. `docker system dial-stdio` to reach a remote
// Docker engine the way the Docker CLI does.
import { ConnectError, Stream } from '@sluice/stream-core';
import type { Client, ClientChannel } from 'ssh2';
import { checkOptions, type OptionNames } from './option-names.js';
import {
  openSshChannel,
  SSH_CONNECT_OPTION_NAMES,
  type SshConnectOptions,
  sshWhere,
} from './ssh-client.js';
import { SshExecDuplex } from './ssh-exec-duplex.js';
import { streamCoreOptions } from './stream-options.js';
import { watchIdle } from './watchdog.js';

export { SshCommandError, type SshExitStatus } from './ssh-exec-duplex.js';

/** Options of `connectSshExec`: the SSH login, and the command to run. */
export interface SshExecOptions extends SshConnectOptions {
  /** The command line, run by the remote user's shell (as `ssh host command` does). */
  command: string;
  /** How many characters of the command's stderr to keep for error messages. Default 8192. */
  stderrTail?: number;
}

/** The names of `SshExecOptions`. */
export const SSH_EXEC_OPTION_NAMES: OptionNames<SshExecOptions> = {
  ...SSH_CONNECT_OPTION_NAMES,
  command: true,
  stderrTail: true,
};

const DEFAULT_STDERR_TAIL = 8192;

/** A Stream to a command run over SSH; closing it closes the channel and the connection. */
export class SshExecStream extends Stream {
  /** The SSH connection (one per stream). */
  readonly client: Client;
  /** The exec channel. */
  readonly channel: ClientChannel;
  readonly #duplex: SshExecDuplex;

  constructor(duplex: SshExecDuplex, options: SshExecOptions) {
    super(duplex, streamCoreOptions(options));
    this.#duplex = duplex;
    this.client = duplex.client;
    this.channel = duplex.channel;
    watchIdle(this, duplex, options);
  }

  /** The tail of what the command wrote to stderr so far. */
  get stderrText(): string {
    return this.#duplex.stderrText;
  }

  /** The command's exit status, once the server sent it. */
  get exitStatus(): SshExecDuplex['exitStatus'] {
    return this.#duplex.exitStatus;
  }
}

/**
 * Logs in to `options.host` (host key verified as for tunnels) and runs `options.command`;
 * resolves once the command runs. Reads see its stdout and writes reach its stdin; its stderr
 * is kept for messages. Exit 0 ends the stream; a command that fails before writing anything
 * fails the read with `SshCommandError` (a `ConnectError` with `exitStatus` and `stderr`),
 * one that fails later with `ConnectionLostError`.
 */
export async function connectSshExec(options: SshExecOptions): Promise<SshExecStream> {
  checkOptions('connectSshExec', options, SSH_EXEC_OPTION_NAMES);
  if (typeof options.command !== 'string' || options.command.trim() === '') {
    throw new TypeError('connectSshExec: command must be a non-empty string');
  }
  const where = sshWhere(options);
  const stderrTail = options.stderrTail ?? DEFAULT_STDERR_TAIL;
  const duplex = await openSshChannel<SshExecDuplex>(options, (ready, done) => {
    ready.exec(options.command, (error, channel) => {
      if (error) {
        const command = JSON.stringify(options.command);
        done(
          new ConnectError(`${where}: the server refused to run ${command}: ${error.message}`, {
            cause: error,
          }),
        );
      } else {
        done(undefined, new SshExecDuplex(channel, ready, where, options.command, stderrTail));
      }
    });
  });
  return new SshExecStream(duplex, options);
}
