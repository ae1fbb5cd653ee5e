// A command run over SSH (an ssh2 `exec` channel) as a Duplex of its stdin and stdout.
//
// Its stderr is kept as a bounded tail for error messages (and drained, so that a chatty
// stderr cannot stall the channel's window). The end of stdout is held back until the exit
// status is known: exit 0 ends the stream cleanly; a failure before any stdout byte is a
// `ConnectError` (the command could not be what the caller wanted to reach: not installed,
// refused, …), a failure after output a `ConnectionLostError`, both naming the status and
// the stderr tail.
import { ConnectError, ConnectionLostError } from '@sluice/stream-core';
import type { Client, ClientChannel } from 'ssh2';
import { SshChannelDuplex } from './ssh-channel-duplex.js';

/** How a remote command ended: its exit code, or the signal that ended it. */
export interface SshExitStatus {
  /** Exit code, or undefined when a signal ended it or the server sent no status. */
  code: number | undefined;
  /** Name of the signal that ended it (e.g. `TERM`), or undefined. */
  signal: string | undefined;
}

/** A `ConnectError` for a remote command that failed before it wrote anything. */
export class SshCommandError extends ConnectError {
  /** The command's exit status. */
  readonly exitStatus: SshExitStatus;
  /** The tail of what the command wrote to stderr. */
  readonly stderr: string;

  constructor(message: string, exitStatus: SshExitStatus, stderr: string) {
    super(message);
    this.exitStatus = exitStatus;
    this.stderr = stderr;
  }
}

/** A Duplex over one `exec` channel; destroying it ends the SSH connection. */
export class SshExecDuplex extends SshChannelDuplex {
  /** The command as it was sent. */
  readonly command: string;
  #where: string;
  #stderrLimit: number;
  #stderr = '';
  #status: SshExitStatus | undefined;
  #stdoutEnded = false;
  #stderrEnded = false;
  #channelClosed = false;
  #sawOutput = false;

  constructor(
    channel: ClientChannel,
    client: Client,
    where: string,
    command: string,
    stderrLimit: number,
  ) {
    super(channel, client);
    this.command = command;
    this.#where = where;
    this.#stderrLimit = stderrLimit;
    channel.once('data', () => {
      this.#sawOutput = true;
    });
    channel.stderr.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString('utf8')).slice(-this.#stderrLimit);
    });
    channel.stderr.once('end', () => {
      this.#stderrEnded = true;
      this.#settle();
    });
    channel.once('exit', (code: number | null, signal?: string) => {
      this.#status = {
        code: typeof code === 'number' ? code : undefined,
        signal: typeof signal === 'string' ? signal : undefined,
      };
      this.#settle();
    });
    channel.once('close', () => {
      this.#channelClosed = true;
      this.#settle();
    });
  }

  /** What the command wrote to stderr so far (its last `stderrTail` characters). */
  get stderrText(): string {
    return this.#stderr;
  }

  /** The command's exit status, once the server sent it. */
  get exitStatus(): SshExitStatus | undefined {
    return this.#status;
  }

  protected override onChannelEnd(): void {
    this.#stdoutEnded = true;
    this.#settle();
  }

  /** Ends or fails the stream once stdout, stderr and the exit status are all in. */
  #settle(): void {
    if (this.failure || this.destroyed) return;
    const complete = this.#status !== undefined && this.#stdoutEnded && this.#stderrEnded;
    if (!complete && !this.#channelClosed) return;
    const status = this.#status;
    if (status === undefined || (status.code === 0 && status.signal === undefined)) {
      if (this.#stdoutEnded || this.#channelClosed) this.push(null);
      return;
    }
    const how =
      status.signal === undefined
        ? `exited with code ${status.code}`
        : `was killed by SIG${status.signal}`;
    const stderr = this.#stderr.trim();
    const message = `${this.#where}: command ${JSON.stringify(this.command)} ${how}${stderr ? `; stderr: ${stderr}` : ''}`;
    this.fail(
      this.#sawOutput
        ? new ConnectionLostError(message)
        : new SshCommandError(message, status, this.#stderr),
    );
  }
}
