// An ssh2 forwarded channel as a well-behaved Node Duplex.
//
// ssh2's Channel overrides destroy() without erroring, never calls back a write made after the
// channel closed (the write would hang), and reports a dropped SSH connection as a clean end
// of stream. This adapter fixes those: writes after close fail with ConnectionLostError, a
// connection that drops while the channel is open is a ConnectionLostError, and destroying
// the stream closes the channel and the SSH connection under it.
import { Duplex } from 'node:stream';
import { ConnectionLostError, type StreamError } from '@sluice/stream-core';
import type { Client, ClientChannel } from 'ssh2';

/** How long a clean close waits for the server to confirm before dropping the connection. */
const CLOSE_GRACE_MS = 5000;
const HIGH_WATER_MARK = 256 * 1024;

type ChannelState = { incoming: { state: string }; outgoing: { state: string } };

/** A Duplex over one `direct-tcpip` channel; destroying it ends the SSH connection. */
export class SshChannelDuplex extends Duplex {
  /** The ssh2 channel underneath. */
  readonly channel: ClientChannel;
  /** The SSH connection the channel runs over (ended with this stream). */
  readonly client: Client;
  /** Bytes received so far (read by the idle watchdog). */
  bytesRead = 0;
  /** Bytes accepted for sending so far (read by the idle watchdog). */
  bytesWritten = 0;
  private pendingWrite: ((error?: Error | null) => void) | undefined;
  protected failure: StreamError | undefined;

  constructor(channel: ClientChannel, client: Client) {
    // Node's default 16 KiB marks would cut writes into 16 KiB SSH packets' worth of calls.
    super({
      allowHalfOpen: true,
      readableHighWaterMark: HIGH_WATER_MARK,
      writableHighWaterMark: HIGH_WATER_MARK,
    });
    this.channel = channel;
    this.client = client;

    channel.on('data', (chunk: Buffer) => {
      this.bytesRead += chunk.length;
      if (!this.push(chunk)) channel.pause();
    });
    channel.on('end', () => this.onChannelEnd());
    channel.on('drain', () => this.settleWrite());
    channel.on('close', () => this.settleWrite(this.lost('the tunnel was closed by the server')));
    channel.on('error', (error: Error) => this.fail(this.lost(error.message, error)));
    client.on('error', (error: Error) => this.fail(this.lost(error.message, error)));
    client.on('close', () => {
      // A connection that drops while the channel is still open is a loss, not an end.
      if (this.state().incoming.state !== 'closed')
        this.fail(this.lost('the SSH connection dropped'));
    });
  }

  /** The server's end of data: the end of the stream (a remote command waits for its status). */
  protected onChannelEnd(): void {
    if (!this.failure) this.push(null);
  }

  private state(): ChannelState {
    return this.channel as unknown as ChannelState;
  }

  private lost(why: string, cause?: unknown): ConnectionLostError {
    return new ConnectionLostError(`SSH tunnel lost: ${why}`, { cause });
  }

  /** Fails the stream with `error` (the first failure wins) and closes the channel. */
  protected fail(error: StreamError): void {
    if (this.destroyed) return;
    this.failure ??= error;
    this.settleWrite(this.failure);
    this.destroy(this.failure);
  }

  private settleWrite(error?: Error): void {
    const callback = this.pendingWrite;
    this.pendingWrite = undefined;
    callback?.(error ?? null);
  }

  override _read(): void {
    this.channel.resume();
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    if (this.state().outgoing.state !== 'open') {
      callback(this.failure ?? this.lost('the tunnel is closed'));
      return;
    }
    this.bytesWritten += chunk.length;
    // ssh2 applies the SSH window; wait for its drain rather than queueing without bound.
    if (this.channel.write(chunk)) callback(null);
    else this.pendingWrite = callback;
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.state().outgoing.state !== 'open') {
      callback(this.failure ?? null);
      return;
    }
    // The server may close the channel before our end is flushed: settle either way.
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      this.channel.off('close', settle);
      callback(null);
    };
    this.channel.once('close', settle);
    this.channel.end(settle);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.settleWrite(error ?? this.lost('the stream was destroyed'));
    if (error || this.state().incoming.state === 'closed') {
      this.channel.close();
      this.client.end();
    } else {
      // A clean close: ask the server to close the channel and end the connection once it
      // has (sshd first flushes what we sent to the target; ending the connection at once
      // would make it drop those bytes).
      const giveUp = setTimeout(() => this.client.end(), CLOSE_GRACE_MS).unref();
      this.channel.once('close', () => {
        clearTimeout(giveUp);
        this.client.end();
      });
      this.channel.close();
    }
    callback(error);
  }
}
