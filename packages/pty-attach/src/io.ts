// What can stand in for the process's stdio: any Node stream, or any stream-core ByteStream
// (a Stream over a socket, an in-memory pair from `@sluice/stream-core/testing`, …).
import { Readable, Writable } from 'node:stream';
import type { ByteStream } from '@sluice/stream-core';

/** An input a session reads keystrokes or data from. */
export type Input = Readable | NodeJS.ReadableStream | ByteStream;
/** An output a session writes the container's output to. */
export type Output = Writable | NodeJS.WritableStream | ByteStream;

function isByteStream(x: unknown): x is ByteStream {
  return typeof x === 'object' && x !== null && 'writeAll' in x && 'readExactly' in x;
}

/** The Node Readable behind `input`. */
export function toReadable(input: Input): Readable {
  if (input instanceof Readable) return input;
  // Through the ByteStream's own face, never its `underlying` (the wrapper reads that itself).
  if (isByteStream(input)) return Readable.from(input, { objectMode: false });
  return new Readable({ read() {} }).wrap(input);
}

/** The Node Writable behind `output`. */
export function toWritable(output: Output): Writable {
  if (output instanceof Writable) return output;
  if (isByteStream(output)) {
    return new Writable({
      write(chunk: Buffer, _enc, cb) {
        output.writeAll(chunk).then(() => cb(), cb);
      },
      final(cb) {
        output.closeWrite().then(() => cb(), cb);
      },
    });
  }
  const target = output;
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (target.write(chunk)) cb();
      else target.once('drain', () => cb());
    },
  });
}

/** The file descriptor behind a Node stream, when it has one. */
export function fdOf(stream: unknown): number | undefined {
  const fd = (stream as { fd?: unknown } | null | undefined)?.fd;
  return typeof fd === 'number' ? fd : undefined;
}

/** True when `stream` is a Node TTY stream. */
export function isTTYStream(stream: unknown): boolean {
  return (stream as { isTTY?: unknown } | null | undefined)?.isTTY === true;
}

/**
 * True when `stream` is the process's own stdin (fd 0), stdout (1) or stderr (2). Checked by
 * descriptor first: the `process.stdin`/`stdout` getters open a handle when first used.
 */
export function isProcessStdio(stream: unknown, fd: 0 | 1 | 2): boolean {
  if (fdOf(stream) !== fd) return false;
  return stream === (fd === 0 ? process.stdin : fd === 1 ? process.stdout : process.stderr);
}
