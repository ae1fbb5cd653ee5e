// Turns what a caller hands to `new Stream(...)` into a Node readable, a Node writable and,
// when known, the file descriptor underneath.
import type { ChildProcess } from 'node:child_process';
import { createReadStream, createWriteStream, fstatSync, type Stats, write, writev } from 'node:fs';
import { Socket } from 'node:net';
import { Duplex, Readable, Writable } from 'node:stream';
import { isatty, ReadStream as TtyReadStream, WriteStream as TtyWriteStream } from 'node:tty';
import { StreamClosedError } from './errors.js';

/** The two ends of a stream made from a separate readable and writable (pipes, child stdio). */
export interface StreamEnds {
  /** Where bytes are read from. */
  readable: Readable;
  /** Where bytes are written to. */
  writable: Writable;
}

/** Anything `new Stream(...)` accepts. */
export type StreamSource =
  | Duplex
  | Readable
  | ChildProcess
  | StreamEnds
  | number
  | {
      /** The file descriptor to wrap. */
      fileno(): number;
    };

/** What a source resolves to. */
export interface ResolvedSource {
  readable: Readable;
  writable: Writable;
  duplex: Duplex | undefined;
  fd: number;
  /**
   * Read only at the first read interest: a descriptor (fd 1 may be a terminal, a pipe's
   * write end or a file opened for writing, where a read steals input or fails).
   */
  lazy?: boolean;
  /** Made from a plain `Readable`: there is no writing side. */
  readOnly?: boolean;
}

function isChildProcess(source: object): source is ChildProcess {
  return 'stdin' in source && 'stdout' in source && 'pid' in source;
}

function isEnds(source: object): source is StreamEnds {
  const s = source as Partial<StreamEnds>;
  return typeof s.readable === 'object' && typeof s.writable === 'object';
}

function fromFd(fd: number): ResolvedSource {
  if (!Number.isInteger(fd) || fd < 0) throw new TypeError(`not a file descriptor: ${fd}`);
  let stat: Stats;
  try {
    stat = fstatSync(fd);
  } catch (err) {
    throw new StreamClosedError(`file descriptor ${fd} is not open`, { cause: err });
  }
  // Terminals: libuv's TTY handles (one to read, one to write; `nodeReadable.setRawMode()`
  // switches raw mode).
  if (isatty(fd)) {
    return {
      readable: new TtyReadStream(fd),
      writable: new TtyWriteStream(fd),
      duplex: undefined,
      fd,
      lazy: true,
    };
  }
  // Regular files and other character devices have no readiness in libuv; they go through
  // fs streams. The reader owns the descriptor (closes it when destroyed); the writer must
  // not close it a second time, since the number may already belong to another file by then.
  if (stat.isFile() || stat.isCharacterDevice()) {
    const readable = createReadStream('', { fd, autoClose: false });
    const writable = createWriteStream('', {
      fd,
      autoClose: false,
      // Node's own write and writev; a close that leaves the descriptor open.
      fs: { write, writev, close: (_fd: number, callback: (err: null) => void) => callback(null) },
    });
    return { readable, writable, duplex: undefined, fd, lazy: true };
  }
  // Sockets, pipes and TTYs: libuv picks the right handle for the descriptor.
  // `manualStart` (what Node's own tty.ReadStream passes): a Socket over a descriptor would
  // otherwise start reading it at once, and on the write end of a pipe that read fails and
  // breaks every later write. The Stream starts reading at the first read interest.
  const options = { fd, readable: true, writable: true, allowHalfOpen: true, manualStart: true };
  const socket = new Socket(options);
  return { readable: socket, writable: socket, duplex: socket, fd, lazy: true };
}

/** The file descriptor of a Node stream, when it has one (net sockets, pipes, TTYs); else -1. */
export function fdOf(stream: unknown): number {
  // `_handle.fd` is how Node exposes a libuv stream's descriptor on Unix (a TLS socket's
  // handle reports its TCP socket's); in-memory streams have none.
  const fd = (stream as { _handle?: { fd?: unknown } } | null)?._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : -1;
}

const ACCEPTS =
  'new Stream() takes a Duplex, a Readable (read-only), a ChildProcess, {readable, writable} or a file descriptor';

// A writing side for a read-only stream: already ended, so nothing is ever written to it.
function noWritingSide(): Writable {
  const writable = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  writable.end();
  return writable;
}

/** Resolves `source`, or throws TypeError when it is none of the accepted kinds. */
export function resolveSource(source: StreamSource): ResolvedSource {
  if (typeof source === 'number') return fromFd(source);
  if (typeof source !== 'object' || source === null) {
    throw new TypeError(`${ACCEPTS}; got ${source === null ? 'null' : typeof source}`);
  }
  if (source instanceof Duplex) {
    return { readable: source, writable: source, duplex: source, fd: fdOf(source) };
  }
  if (source instanceof Readable) {
    const fd = fdOf(source);
    return { readable: source, writable: noWritingSide(), duplex: undefined, fd, readOnly: true };
  }
  if (isChildProcess(source)) {
    const { stdout, stdin } = source;
    if (!stdout || !stdin) throw new TypeError('the child process needs piped stdin and stdout');
    return { readable: stdout, writable: stdin, duplex: undefined, fd: fdOf(stdout) };
  }
  if (isEnds(source)) {
    return { ...source, duplex: undefined, fd: fdOf(source.readable) };
  }
  if (typeof (source as { fileno?: unknown }).fileno === 'function') {
    return fromFd((source as { fileno(): number }).fileno());
  }
  const shape = source as Record<string, unknown>;
  if (typeof shape.read === 'function' && typeof shape.write === 'function') {
    throw new TypeError(
      `${ACCEPTS}. This object has read() and write() but is not a Node stream: wrap a seed-shaped stream (read/write/close/closed) with fromMinimalStream(), or implement the ByteStream contract`,
    );
  }
  throw new TypeError(ACCEPTS);
}

/**
 * A `Duplex` that writes through to `writable` and reads nothing: what `Stream.underlying`
 * is for a readable/writable pair (the Stream itself consumes the readable).
 */
export function writeThrough(writable: Writable): Duplex {
  return new Duplex({
    read() {},
    write(chunk, encoding, callback) {
      writable.write(chunk, encoding, callback);
    },
    final(callback) {
      writable.end(callback);
    },
  });
}
