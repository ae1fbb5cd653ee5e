import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as errors from './errors.js';
import { ERRNO_KINDS, type ErrnoKind, toStreamError } from './to-stream-error.js';

const {
  AuthenticationError,
  BufferOverflowError,
  CompressionError,
  ConnectError,
  ConnectionLostError,
  DaemonError,
  EncryptionError,
  ProtocolError,
  StreamClosedError,
  StreamError,
  TimeoutError,
} = errors;

const table = [
  [StreamError, 'ERR_SLUICE_STREAM'],
  [ConnectionLostError, 'ERR_SLUICE_CONNECTION_LOST'],
  [StreamClosedError, 'ERR_SLUICE_STREAM_CLOSED'],
  [BufferOverflowError, 'ERR_SLUICE_BUFFER_OVERFLOW'],
  [CompressionError, 'ERR_SLUICE_COMPRESSION'],
  [EncryptionError, 'ERR_SLUICE_ENCRYPTION'],
  [TimeoutError, 'ERR_SLUICE_TIMEOUT'],
  [ProtocolError, 'ERR_SLUICE_PROTOCOL'],
  [ConnectError, 'ERR_SLUICE_CONNECT'],
  [AuthenticationError, 'ERR_SLUICE_AUTHENTICATION'],
  [DaemonError, 'ERR_SLUICE_DAEMON'],
] as const;

// A second installed copy of the package: the same source, loaded from another path.
const dir = mkdtempSync(join(tmpdir(), 'sluice-errors-copy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
async function secondCopy(): Promise<typeof errors> {
  const path = join(dir, 'errors.ts');
  copyFileSync(new URL('./errors.ts', import.meta.url), path);
  return (await import(/* @vite-ignore */ pathToFileURL(path).href)) as typeof errors;
}

describe('the error family', () => {
  it.each(table)('%o has its name, code and cause', (Class, code) => {
    const cause = new Error('root');
    const err = new Class('what went wrong', { cause });
    expect(err.name).toBe(Class.name);
    expect(err.code).toBe(code);
    expect(Class.code).toBe(code);
    expect(err.cause).toBe(cause);
    expect(err.message).toBe('what went wrong');
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(StreamError);
    expect(err).toBeInstanceOf(Class);
  });

  it('a class does not claim its siblings', () => {
    expect(new ConnectionLostError('x')).not.toBeInstanceOf(BufferOverflowError);
    expect(new StreamError('x')).not.toBeInstanceOf(ConnectionLostError);
    expect(new Error('x')).not.toBeInstanceOf(StreamError);
    expect(null).not.toBeInstanceOf(StreamError);
  });

  it('StreamClosedError says "stream has been closed" by default', () => {
    expect(new StreamClosedError().message).toBe('stream has been closed');
  });

  it('carries the facts of each failure', () => {
    const overflow = new BufferOverflowError('too big', { limit: 10, size: 11 });
    expect([overflow.limit, overflow.size]).toEqual([10, 11]);
    expect(new TimeoutError('slow', { timeoutMs: 5 }).timeoutMs).toBe(5);
    expect(new ProtocolError('bad', { offset: 42 }).offset).toBe(42);
    expect(new ConnectionLostError('cut', { offset: 7 }).offset).toBe(7);
    expect(new ConnectionLostError('gone').offset).toBeUndefined();
  });

  it('instanceof works across two installed copies', async () => {
    const other = await secondCopy();
    expect(other.ConnectionLostError).not.toBe(ConnectionLostError);
    const foreign = new other.ConnectionLostError('lost');
    expect(foreign).toBeInstanceOf(ConnectionLostError);
    expect(foreign).toBeInstanceOf(StreamError);
    expect(foreign).not.toBeInstanceOf(BufferOverflowError);
    expect(new ProtocolError('bad')).toBeInstanceOf(other.ProtocolError);
    expect(new ProtocolError('bad')).toBeInstanceOf(other.StreamError);
    expect(new ProtocolError('bad')).not.toBeInstanceOf(other.TimeoutError);
  });

  it('a user subclass without its own code uses a plain prototype check', () => {
    class MyError extends ConnectionLostError {}
    expect(new MyError('x')).toBeInstanceOf(MyError);
    expect(new MyError('x')).toBeInstanceOf(ConnectionLostError);
    expect(new ConnectionLostError('x')).not.toBeInstanceOf(MyError);
  });
});

describe('toStreamError', () => {
  it.each(['EPIPE', 'ECONNRESET', 'ERR_STREAM_PREMATURE_CLOSE'])(
    'maps %s to ConnectionLostError with the cause',
    (code) => {
      const cause = Object.assign(new Error(`boom ${code}`), { code });
      const err = toStreamError(cause);
      expect(err).toBeInstanceOf(ConnectionLostError);
      expect(err.cause).toBe(cause);
      expect(err.message).toContain(code);
    },
  );

  it('maps a refused or unresolved connection to ConnectError', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND']) {
      const err = toStreamError(Object.assign(new Error(code), { code }));
      expect(err).toBeInstanceOf(ConnectError);
      expect(err.cause).toBeInstanceOf(Error);
    }
  });

  it('keeps sluice errors and wraps anything else as StreamError', () => {
    const own = new ProtocolError('bad');
    expect(toStreamError(own)).toBe(own);
    const other = toStreamError(new Error('odd'));
    expect(other.constructor).toBe(StreamError);
    expect(other.message).toContain('odd');
  });

  it('maps by phase: unreachable and timed out are lost on an open stream, not while connecting', () => {
    const e = (code: string): Error => Object.assign(new Error(`x ${code}`), { code });
    for (const code of ['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']) {
      expect(toStreamError(e(code))).toBeInstanceOf(ConnectionLostError);
    }
    expect(toStreamError(e('ETIMEDOUT'), { phase: 'connect' })).toBeInstanceOf(TimeoutError);
    expect(toStreamError(e('EHOSTUNREACH'), { phase: 'connect' })).toBeInstanceOf(ConnectError);
    expect(toStreamError(e('ECONNRESET'), { phase: 'connect' })).toBeInstanceOf(ConnectError);
    const unknownAtConnect = toStreamError(e('EODD'), { phase: 'connect', target: 'tcp://h:1' });
    expect(unknownAtConnect).toBeInstanceOf(ConnectError);
    expect(unknownAtConnect.message).toContain('tcp://h:1');
  });

  it('a transport extends the table instead of forking it', () => {
    const kinds: Readonly<Record<string, ErrnoKind>> = { ...ERRNO_KINDS, CERT_HAS_EXPIRED: 'auth' };
    const cert = Object.assign(new Error('expired'), { code: 'CERT_HAS_EXPIRED' });
    expect(toStreamError(cert, { kinds })).toBeInstanceOf(AuthenticationError);
    expect(toStreamError(cert)).not.toBeInstanceOf(AuthenticationError);
    const odd = new Error('odd');
    expect(toStreamError(odd, { unknown: 'lost' })).toBeInstanceOf(ConnectionLostError);
    expect(Object.isFrozen(ERRNO_KINDS)).toBe(true);
  });
});
