// A `ws` WebSocket as a Node Duplex of bytes, the shape stream-core's Stream wraps.
//
// Read and write timeouts are the transports' watchdog's (it reads bytesRead/bytesWritten).
// Bytes go out as binary messages of at most `maxMessageSize` bytes. Backpressure: a write is
// acknowledged at once while `ws.bufferedAmount` stays under the high-water mark, otherwise
// only when ws has handed that message to the socket; incoming messages pause the socket when
// the readable side is full. WebSocket has no half-close, so the end of one direction is an
// empty binary message (sluice peers on both sides understand it); once both directions have
// ended the socket closes with 1000. Close codes 1000/1005 end the stream cleanly, any other
// code (or a dropped connection, 1006) is a ConnectionLostError naming the code.
import { Duplex } from 'node:stream';
import {
  BufferOverflowError,
  ConnectionLostError,
  ProtocolError,
  StreamError,
  TimeoutError,
} from '@sluice/stream-core';
import type { WebSocket } from 'ws';
import { type OptionNames, STREAM_OPTION_NAMES } from './option-names.js';
import type { TransportStreamOptions } from './stream-options.js';

/** Liveness, idle and message-size settings shared by WebSocket clients and servers. */
export interface WebSocketStreamOptions extends TransportStreamOptions {
  /** Send a ping this often, in ms; 0 disables pings. Default 30000. */
  pingIntervalMs?: number;
  /** Fail with TimeoutError when nothing (no pong, no data) arrives this long after a ping, in ms. Default: pingIntervalMs. */
  livenessTimeoutMs?: number;
  /** Largest binary message sent, in bytes; longer writes are split. Default 64 KiB. */
  maxMessageSize?: number;
  /** Bytes buffered (by ws and the socket) before a write waits. Default 1 MiB. */
  highWaterMark?: number;
}

/** The names of `WebSocketStreamOptions`. */
export const WS_STREAM_OPTION_NAMES: OptionNames<WebSocketStreamOptions> = {
  ...STREAM_OPTION_NAMES,
  pingIntervalMs: true,
  livenessTimeoutMs: true,
  maxMessageSize: true,
  highWaterMark: true,
};

/** `WebSocket.CONNECTING` and `WebSocket.OPEN`, without loading `ws` to read them. */
export const WS_CONNECTING = 0;
export const WS_OPEN = 1;

/** Largest message accepted by default on both sides, in bytes (ws `maxPayload`): 100 MiB. */
export const DEFAULT_MAX_PAYLOAD: number = 100 * 1024 * 1024;

const DEFAULT_PING_INTERVAL_MS = 30_000;
const DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024;
const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;
const NODE_WRITABLE_HIGH_WATER_MARK = 256 * 1024;

/** Close codes that mean the peer finished on purpose. */
const CLEAN_CLOSE_CODES = new Set([1000, 1005]);

/** Maps an error ws reports on an open connection to sluice's error family. */
export function mapWebSocketError(error: Error & { code?: string }): StreamError {
  if (error instanceof StreamError) return error;
  if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
    return new BufferOverflowError(`WebSocket message exceeds maxPayload: ${error.message}`, {
      cause: error,
    });
  }
  if (error.code?.startsWith('WS_ERR_')) {
    return new ProtocolError(`WebSocket protocol error: ${error.message}`, { cause: error });
  }
  return new ConnectionLostError(`WebSocket connection lost: ${error.message}`, { cause: error });
}

/** A Duplex over an open `ws` WebSocket. */
export class WebSocketDuplex extends Duplex {
  /** The WebSocket underneath. */
  readonly socket: WebSocket;
  private readonly maxMessageSize: number;
  private readonly sendHighWaterMark: number;
  private readonly livenessTimeoutMs: number;
  private pingTimer: NodeJS.Timeout | undefined;
  private livenessTimer: NodeJS.Timeout | undefined;
  private failure: StreamError | undefined;
  private peerEnded = false;
  private selfEnded = false;
  /** Bytes received so far (read by the idle watchdog). */
  bytesRead = 0;
  /** Bytes accepted for sending so far (read by the idle watchdog). */
  bytesWritten = 0;

  constructor(socket: WebSocket, options: WebSocketStreamOptions = {}) {
    super({
      allowHalfOpen: true,
      readableHighWaterMark: options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK,
      // Node's default (16 KiB) would make stream-core hand us 16 KiB slices: one message each.
      writableHighWaterMark: NODE_WRITABLE_HIGH_WATER_MARK,
    });
    this.socket = socket;
    socket.binaryType = 'nodebuffer';
    this.maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    this.sendHighWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    const pingIntervalMs = options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS;
    this.livenessTimeoutMs = options.livenessTimeoutMs ?? pingIntervalMs;

    socket.on('message', (data: Buffer, isBinary: boolean) => this.onMessage(data, isBinary));
    socket.on('pong', () => this.onAlive());
    // ws has already sent its close frame (1009 for an oversized message) when it reports a
    // frame error; waiting for the peer's answer would hold our reader up to 30 s.
    socket.on('error', (error: Error) => this.fail(mapWebSocketError(error), false));
    socket.on('close', (code: number, reason: Buffer) => this.onClose(code, reason));

    if (pingIntervalMs > 0) {
      this.pingTimer = setInterval(() => this.ping(), pingIntervalMs);
      this.pingTimer.unref();
    }
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    this.onAlive();
    this.bytesRead += data.length;
    if (this.peerEnded) return;
    if (isBinary && data.length === 0) {
      // The peer's end of data (its half-close).
      this.peerEnded = true;
      this.push(null);
      this.closeIfBothEnded();
      return;
    }
    if (data.length > 0 && !this.push(data)) this.socket.pause();
  }

  private onAlive(): void {
    if (this.livenessTimer) {
      clearTimeout(this.livenessTimer);
      this.livenessTimer = undefined;
    }
  }

  private ping(): void {
    // While our reader is behind, the socket is paused and a pong cannot be read: no verdict.
    if (this.socket.readyState !== WS_OPEN || this.livenessTimer || this.socket.isPaused) {
      return;
    }
    this.socket.ping();
    this.livenessTimer = setTimeout(() => {
      this.livenessTimer = undefined;
      if (this.socket.isPaused) return;
      this.fail(
        new TimeoutError(
          `WebSocket peer did not answer a ping within ${this.livenessTimeoutMs} ms`,
          {
            timeoutMs: this.livenessTimeoutMs,
          },
        ),
      );
    }, this.livenessTimeoutMs);
    this.livenessTimer.unref();
  }

  private onClose(code: number, reason: Buffer): void {
    this.stopTimers();
    if (this.destroyed) return;
    if (this.failure) {
      this.destroy(this.failure);
      return;
    }
    if (CLEAN_CLOSE_CODES.has(code)) {
      if (!this.peerEnded) {
        this.peerEnded = true;
        this.push(null);
      }
      // Whatever we still wanted to send can no longer arrive.
      if (!this.selfEnded && this.writableLength > 0) {
        this.destroy(
          new ConnectionLostError(`WebSocket closed by the peer (code ${code}) with data unsent`),
        );
      }
      return;
    }
    const text = reason.length > 0 ? `: ${reason.toString('utf8')}` : '';
    this.destroy(new ConnectionLostError(`WebSocket closed with code ${code}${text}`));
  }

  private fail(error: StreamError, terminate = true): void {
    this.failure ??= error;
    if (terminate) this.socket.terminate();
    this.destroy(this.failure);
  }

  private closeIfBothEnded(): void {
    if (this.peerEnded && this.selfEnded && this.socket.readyState === WS_OPEN) {
      this.socket.close(1000);
    }
  }

  private stopTimers(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.livenessTimer);
  }

  override _read(): void {
    if (this.socket.isPaused) this.socket.resume();
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    if (this.socket.readyState !== WS_OPEN) {
      callback(this.failure ?? new ConnectionLostError('WebSocket is no longer open'));
      return;
    }
    this.bytesWritten += chunk.length;
    let waiting = true;
    const onSent = (error?: Error): void => {
      if (!waiting) {
        if (error) this.fail(mapWebSocketError(error));
        return;
      }
      waiting = false;
      callback(error ? mapWebSocketError(error) : null);
    };
    for (let offset = 0; offset < chunk.length; offset += this.maxMessageSize) {
      const end = Math.min(offset + this.maxMessageSize, chunk.length);
      this.socket.send(
        chunk.subarray(offset, end),
        { binary: true },
        end === chunk.length ? onSent : undefined,
      );
    }
    // Under the mark: take more now; over it: wait until ws hands this message to the socket.
    if (this.socket.bufferedAmount < this.sendHighWaterMark) {
      waiting = false;
      callback(null);
    }
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.socket.readyState !== WS_OPEN) {
      callback(
        this.peerEnded
          ? null
          : (this.failure ?? new ConnectionLostError('WebSocket is no longer open')),
      );
      return;
    }
    this.socket.send(Buffer.alloc(0), { binary: true }, (error) => {
      if (error) {
        callback(mapWebSocketError(error));
        return;
      }
      this.selfEnded = true;
      this.closeIfBothEnded();
      callback(null);
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.stopTimers();
    const state = this.socket.readyState;
    if (state === WS_OPEN || state === WS_CONNECTING) {
      if (error) this.socket.terminate();
      else this.socket.close(1000);
    }
    callback(error);
  }
}
