// The two directions of a session over its hijacked `Stream`, as the CLI's hijack.go: input
// → detach matcher → stream, half-closed at input EOF; stream → output, raw with a TTY,
// through docker-demux's FrameDecoder without. The session ends when the output ends (at
// once, even if input is still open), on a detach, on stop(), or on an error.
//
// One backpressure mechanism on the output side: a blocked output stops the reading of the
// stream (one 'drain' listener per blocked output), the stream's bounded buffer then pauses
// the socket. Reads land in one reused buffer while every output lets go of what it is given
// (the process's stdio, sockets), so streaming makes no garbage per read.
import { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { FrameDecoder, type OutputStreamId, STDERR, type StreamKind } from '@sluice/docker-demux';
import { type ByteStream, StreamError } from '@sluice/stream-core';
import { DetachMatcher } from './detach-matcher.js';
import { isProcessStdio } from './io.js';
import { release } from './upgrade.js';

/** What the two directions are wired to. */
export interface SessionIoOptions {
  /** The hijacked connection. */
  stream: ByteStream;
  /** Bytes that came with the 101 (output before anything the stream reads). */
  first: Buffer;
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
  /**
   * Exec: output that starts like the engine's start-failure text is held back until the
   * end; then this decides (true: it was the failure, drop it; false: write it).
   */
  heldFailure?: (text: Buffer) => Promise<boolean>;
}

/** How the copying ended. */
export interface SessionIoOutcome {
  detached: boolean;
}

/** A running session's copying. */
export interface SessionIo {
  done: Promise<SessionIoOutcome>;
  /** Ends the copying now (as a detach, without the keys). */
  stop(): void;
  /** The last output chunk, if it was short (an engine's in-band error text). */
  lastShortChunk(): Buffer | undefined;
  /** Output held back as a start failure and dropped (exec), if any. */
  droppedFailure(): Buffer | undefined;
}

const SHORT = 1024;
// The most one read takes from the stream, and the reused read buffer's size.
const READ_SIZE = 64 * 1024;
// How the engine's exec start failure begins; held back while output still matches it.
const FAILURE_PREFIX = Buffer.from('OCI runtime exec failed');
const MAX_HELD = 4096;

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
  return w instanceof Socket || isProcessStdio(w, 1) || isProcessStdio(w, 2);
}

/** Starts copying both directions. */
export function startSessionIo(o: SessionIoOptions): SessionIo {
  const { stream, stdin } = o;
  let over = false;
  let settle!: (outcome: SessionIoOutcome | Error) => void;
  const done = new Promise<SessionIoOutcome>((resolve, reject) => {
    settle = (outcome) => {
      if (over) return;
      over = true;
      stopInput();
      offReadiness();
      stream.readInto?.(undefined);
      release(stream);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
  });
  const fail = (error: unknown): void =>
    settle(error instanceof Error ? error : new StreamError(String(error)));

  // --- input ---------------------------------------------------------------------------
  const matcher = new DetachMatcher(o.detachKeys);
  let inputOver = stdin === undefined;
  const send = (bytes: Uint8Array): void => {
    stream.writeAll(bytes).then(() => {
      if (!inputOver && stdin!.isPaused()) stdin!.resume();
    }, fail);
    // Keep reading input only while the stream takes more without waiting.
    if (!stream.readyToWrite()) stdin!.pause();
  };
  const onInput = (chunk: Buffer | string): void => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const { forward, detached } = matcher.push(bytes);
    if (forward.length > 0) send(forward);
    if (detached) settle({ detached: true });
  };
  const onInputEnd = (): void => {
    if (inputOver) return;
    const held = matcher.flush();
    stopInput();
    // Half-close: the container sees EOF on stdin; its output still flows back.
    (held.length > 0 ? stream.writeAll(held) : Promise.resolve())
      .then(() => stream.closeWrite())
      .catch((error: unknown) => {
        if (!over) fail(error);
      });
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

  // --- output --------------------------------------------------------------------------
  const outputs = o.kind === 'raw' ? [o.stdout] : [o.stdout, o.stderr];
  const reusable = outputs.every(releasesChunks);
  let last: Buffer | undefined;
  const blocked = new Set<Writable>();
  let held: { out: Writable; bytes: Buffer }[] | undefined = o.heldFailure ? [] : undefined;
  let heldLength = 0;
  let dropped: Buffer | undefined;

  const put = (out: Writable, bytes: Buffer): void => {
    if (!out.write(bytes) && !blocked.has(out)) {
      blocked.add(out);
      out.once('drain', () => {
        blocked.delete(out);
        if (blocked.size === 0) pull();
      });
    }
  };
  const releaseHeld = (): void => {
    const parts = held ?? [];
    held = undefined;
    for (const p of parts) put(p.out, p.bytes);
  };
  const write = (out: Writable, bytes: Buffer): void => {
    if (held !== undefined) {
      const all = Buffer.concat([...held.map((h) => h.bytes), bytes]);
      const n = Math.min(all.length, FAILURE_PREFIX.length);
      if (all.length <= MAX_HELD && all.subarray(0, n).equals(FAILURE_PREFIX.subarray(0, n))) {
        held.push({ out, bytes: Buffer.from(bytes) });
        heldLength += bytes.length;
        return;
      }
      releaseHeld();
    }
    put(out, bytes);
  };

  const decoder =
    o.kind === 'raw'
      ? undefined
      : new FrameDecoder(
          (id: OutputStreamId, payload: Buffer) =>
            write(id === STDERR ? o.stderr : o.stdout, payload),
          { partial: true },
        );
  const consume = (chunk: Buffer): void => {
    last = chunk.length <= SHORT ? Buffer.from(chunk) : undefined;
    if (decoder) decoder.push(chunk);
    else write(o.stdout, chunk);
  };

  let ending = false;
  const outputEnded = (): void => {
    if (ending) return;
    ending = true;
    offReadiness();
    try {
      decoder?.end();
    } catch (error) {
      fail(error);
      return;
    }
    const decide =
      held !== undefined && heldLength > 0 && o.heldFailure
        ? o.heldFailure(Buffer.concat(held.map((h) => h.bytes)))
        : Promise.resolve(false);
    decide
      .then((drop) => {
        if (drop) {
          dropped = Buffer.concat((held ?? []).map((h) => h.bytes));
          held = undefined;
        } else releaseHeld();
        return Promise.all([
          finished(o.stdout, o.endStdout),
          o.kind === 'raw' ? undefined : finished(o.stderr, o.endStderr),
        ]);
      })
      .then(() => settle({ detached: false }), fail);
  };

  // Reads land in `spare` while nothing holds on to what it was given last: asked before
  // each read, once the previous chunk was consumed, so a queued chunk is never overwritten.
  let spare: Buffer | undefined = reusable ? Buffer.allocUnsafeSlow(READ_SIZE) : undefined;
  const choose = (): Uint8Array | undefined => {
    if (spare === undefined || held !== undefined) return undefined;
    for (const w of outputs) if (w.writableLength > 0) return undefined;
    return spare;
  };
  const pull = (): void => {
    while (!over && !ending && blocked.size === 0) {
      let chunk: Uint8Array | null;
      try {
        chunk = stream.read(READ_SIZE);
      } catch (error) {
        fail(error);
        return;
      }
      if (chunk === null) {
        outputEnded();
        return;
      }
      if (chunk.length === 0) return;
      try {
        consume(
          Buffer.isBuffer(chunk)
            ? chunk
            : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length),
        );
      } catch (error) {
        fail(error);
        return;
      }
    }
  };
  const offReadiness = stream.onReadiness(pull);
  if (!(stream.readInto?.(choose) ?? false)) spare = undefined;
  try {
    if (o.first.length > 0) consume(o.first);
  } catch (error) {
    fail(error);
  }
  pull();

  return {
    done,
    stop: () => settle({ detached: true }),
    lastShortChunk: () => last,
    droppedFailure: () => dropped,
  };
}
