// The two directions of a session over one hijacked socket, as the CLI's hijack.go:
// input → (detach matcher) → socket, half-closed at input EOF; socket → output, raw with a
// TTY, demultiplexed without. The session ends when the output ends (at once, even if input
// is still open), on a detach, or on an error. Backpressure both ways.
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { demux, type StreamKind } from '@sluice/docker-demux';
import { DetachMatcher } from './detach-matcher.js';

/** What the two directions are wired to. */
export interface CopyOptions {
  socket: Socket;
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
}

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

/** Starts copying both directions. */
export function copyStreams(o: CopyOptions): Copy {
  const { socket, stdin } = o;
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
  socket.on('error', (err) => settle(err));
  let output: Promise<void>;
  if (o.kind === 'raw') {
    output = new Promise<void>((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        if (!o.stdout.write(chunk) && !socket.isPaused()) {
          socket.pause();
          o.stdout.once('drain', () => socket.resume());
        }
      });
      socket.once('end', resolve);
      socket.once('close', resolve);
    });
  } else {
    output = demux(socket, { stdout: o.stdout, stderr: o.stderr, end: false });
  }
  output
    .then(async () => {
      await Promise.all([
        finished(o.stdout, o.endStdout),
        o.kind === 'raw' ? undefined : finished(o.stderr, o.endStderr),
      ]);
      settle({ detached: false });
    })
    .catch((err: Error) => settle(err));

  return { done, stop: () => settle({ detached: true }) };
}
