// A hijacked connection's read side as the session consumes it: chunks handed to one consumer
// synchronously, pause/resume for backpressure, and the end. Two implementations: over a
// socket this package opened itself with a reusable read buffer (no allocation per read, so
// no garbage for the collector at hundreds of MB/s), and over any Node socket (TLS).
import type { Duplex } from 'node:stream';

/**
 * Receives each chunk. Returns true when it kept a reference to `chunk` (an output queued
 * it): the connection then reads into a fresh buffer instead of reusing this one.
 */
export type ChunkConsumer = (chunk: Buffer) => boolean;

/** The stream side of a hijacked attach or exec-start connection. */
export interface Connection {
  /** The socket (or any duplex connection), for writing (stdin), half-closing, destroying and its events. */
  readonly socket: Duplex;
  /** The reply's Content-Type, if any (API ≥ 1.42 says raw or multiplexed). */
  readonly contentType: string | undefined;
  /** The engine's API version (its `Api-Version` header), if it said. */
  readonly apiVersion: string | undefined;
  /** Starts delivering chunks (bytes that came with the 101 first). */
  consume(consumer: ChunkConsumer, onEnd: () => void): void;
  /** Stops reading until `resume()` (the socket's buffer fills, then TCP/unix flow control). */
  pause(): void;
  resume(): void;
}

/** A `Connection` over a socket whose 'data' events carry the stream. */
export class SocketConnection implements Connection {
  readonly socket: Duplex;
  readonly contentType: string | undefined;
  readonly apiVersion: string | undefined;

  constructor(socket: Duplex, contentType: string | undefined, apiVersion: string | undefined) {
    this.socket = socket;
    this.contentType = contentType;
    this.apiVersion = apiVersion;
  }

  consume(consumer: ChunkConsumer, onEnd: () => void): void {
    this.socket.on('data', (chunk: Buffer) => {
      consumer(chunk);
    });
    this.socket.once('end', onEnd);
    this.socket.resume();
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }
}
