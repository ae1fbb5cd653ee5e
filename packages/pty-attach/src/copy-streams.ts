// The two directions of a session over one hijacked connection, as the CLI's hijack.go:
// input → (detach matcher) → socket, half-closed at input EOF; connection → output, raw with
// a TTY, demultiplexed without. The session ends when the output ends (at once, even if input
// is still open), on a detach, or on an error. Backpressure both ways.
import { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { FrameDecoder, type OutputStreamId, STDERR, type StreamKind } from '@sluice/docker-demux';
import { ConnectionLostError } from '@sluice/stream-core';
import type { Connection } from './connection.js';
import { DetachMatcher } from './detach-matcher.js';

/** What the two directions are wired to. */
export interface CopyOptions {
  connection: Connection;
  /** Raw copy (a TTY) or demultiplexed into stdout and stderr (no TTY). */
  kind: StreamKind;
  /** Input, or undefined when stdin is not attached. */
  stdin: Readable | undefined;
  stdout: Writable;
  stderr: Writable;
  /** Detach sequence matched in the input (empty: none). */
  detachKeys: Uint8Array;
  /** End stdout / stderr when the output ends (not for the process's own stdio). */
  endStdout: boolean;
  endStderr: boolean;
  /** Called once when the input direction is over (EOF, detach, or the session ended). */
  onInputDone?: () => void;
}

/** How the copying ended. */
export interface CopyOutcome {
  detached: boolean;
}

/** A running copy: `done` settles when the session's streams are finished. */
export interface Copy {
  done: Promise<CopyOutcome>;
  /** Ends the copying now (as if detached, without the keys). */
  stop(): void;
  /** The last output chunk, if it was short (an engine's in-band error text). */
  lastShortChunk(): Buffer | undefined;
}

const SHORT = 1024;

function finished(w: Writable, end: boolean): Promise<void> {
  return new Promise((resolve) => {
    if (end) {
      if (w.writableFinished) return resolve();
      w.once('finish', resolve);
      w.once('error', () => resolve());
      w.end();
    } else if (w.writableNeedDrain) {
      w.once('drain', resolve);
      w.once('error', () => resolve());
    } else resolve();
  });
}

// Outputs that never keep a chunk once `write()` returns with nothing queued: the process's
// own stdio (files are written synchronously) and sockets (libuv wrote it, or it is queued
// and counted in writableLength). Anything else may keep references: never reuse for it.
function releasesChunks(w: Writable): boolean {
  return w === process.stdout || w === process.stderr || w instanceof Socket;
}

/** Starts copying both directions. */
export function copyStreams(o: CopyOptions): Copy {
  const { connection, stdin } = o;
  const { socket } = connection;
  let settle!: (outcome: CopyOutcome | Error) => void;
  const done = new Promise<CopyOutcome>((resolve, reject) => {
    let over = false;
    settle = (outcome) => {
      if (over) return;
      over = true;
      stopInput();
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
  });

  // Input direction.
  const matcher = new DetachMatcher(o.detachKeys);
  let inputOver = stdin === undefined;
  const onInput = (chunk: Buffer | string): void => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const { forward, detached } = matcher.push(bytes);
    if (forward.length > 0 && !socket.write(forward)) {
      stdin!.pause();
      socket.once('drain', () => {
        if (!inputOver) stdin!.resume();
      });
    }
    if (detached) settle({ detached: true });
  };
  const onInputEnd = (): void => {
    if (inputOver) return;
    const held = matcher.flush();
    if (held.length > 0) socket.write(held);
    stopInput();
    // Half-close: the container sees EOF on stdin; its output still flows back.
    socket.end();
  };
  function stopInput(): void {
    if (!stdin || inputOver) {
      inputOver = true;
      return;
    }
    inputOver = true;
    stdin.off('data', onInput);
    stdin.off('end', onInputEnd);
    stdin.off('error', onInputEnd);
    stdin.pause();
    o.onInputDone?.();
  }
  if (stdin) {
    stdin.on('data', onInput);
    stdin.once('end', onInputEnd);
    stdin.once('error', onInputEnd);
    stdin.resume();
  } else {
    o.onInputDone?.();
  }

  // Output direction.
  const outputs = o.kind === 'raw' ? [o.stdout] : [o.stdout, o.stderr];
  const reusable = outputs.every(releasesChunks);
  let last: Buffer | undefined;
  let blocked = 0;
  const unblock = (): void => {
    if (--blocked === 0) connection.resume();
  };
  const write = (out: Writable, chunk: Buffer): void => {
    if (!out.write(chunk)) {
      if (blocked++ === 0) connection.pause();
      out.once('drain', unblock);
    }
  };
  const kept = (): boolean => !reusable || outputs.some((w) => w.writableLength > 0);
  const output = new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    socket.once('close', () => reject(new ConnectionLostError('the engine closed the connection')));
    if (o.kind === 'raw') {
      connection.consume((chunk) => {
        last = chunk.length <= SHORT ? Buffer.from(chunk) : undefined;
        write(o.stdout, chunk);
        return kept();
      }, resolve);
      return;
    }
    const decoder = new FrameDecoder(
      (id: OutputStreamId, payload: Buffer) => write(id === STDERR ? o.stderr : o.stdout, payload),
      { partial: true },
    );
    connection.consume(
      (chunk) => {
        last = chunk.length <= SHORT ? Buffer.from(chunk) : undefined;
        try {
          decoder.push(chunk);
        } catch (error) {
          reject(error);
        }
        return kept();
      },
      () => {
        try {
          decoder.end();
          resolve();
        } catch (error) {
          reject(error);
        }
      },
    );
  });
  output
    .then(async () => {
      await Promise.all([
        finished(o.stdout, o.endStdout),
        o.kind === 'raw' ? undefined : finished(o.stderr, o.endStderr),
      ]);
      settle({ detached: false });
    })
    .catch((err: Error) => settle(err));

  return { done, stop: () => settle({ detached: true }), lastShortChunk: () => last };
}
