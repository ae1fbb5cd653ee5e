// One errno table (issue 12): transports extend stream-core's instead of keeping a second one
// that disagrees, so `new Stream(socket)` and a transport's stream report one failure alike.
import {
  AuthenticationError,
  ConnectError,
  ConnectionLostError,
  toStreamError as coreToStreamError,
  ERRNO_KINDS,
  TimeoutError,
} from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import { TRANSPORT_ERRNO_KINDS, toStreamError } from './errors-map.js';

const nodeError = (code: string): Error => Object.assign(new Error(`boom ${code}`), { code });

describe('errno table', () => {
  it('agrees with stream-core on every code stream-core knows, in both phases', () => {
    for (const code of Object.keys(ERRNO_KINDS)) {
      expect(TRANSPORT_ERRNO_KINDS[code], code).toBe(ERRNO_KINDS[code]);
      for (const phase of ['connect', 'stream'] as const) {
        const ours = toStreamError(nodeError(code), phase, 'tcp://h:1');
        const core = coreToStreamError(nodeError(code), { phase, target: 'tcp://h:1' });
        expect(ours.constructor, `${code} ${phase}`).toBe(core.constructor);
      }
    }
  });

  it('ETIMEDOUT is a TimeoutError while connecting and a lost connection on an open stream', () => {
    expect(toStreamError(nodeError('ETIMEDOUT'), 'connect')).toBeInstanceOf(TimeoutError);
    expect(toStreamError(nodeError('ETIMEDOUT'), 'stream')).toBeInstanceOf(ConnectionLostError);
    expect(toStreamError(nodeError('EHOSTUNREACH'), 'stream')).toBeInstanceOf(ConnectionLostError);
  });

  it('adds what only transports meet: socket paths, certificate refusals, unknown failures', () => {
    expect(toStreamError(nodeError('ENOENT'), 'connect', 'unix:///x')).toBeInstanceOf(ConnectError);
    expect(toStreamError(nodeError('ERR_TLS_CERT_ALTNAME_INVALID'), 'connect')).toBeInstanceOf(
      AuthenticationError,
    );
    // Any OpenSSL certificate code, listed or not.
    expect(toStreamError(nodeError('X509_SOME_NEW_CERT_FAILURE'), 'stream')).toBeInstanceOf(
      AuthenticationError,
    );
    expect(toStreamError(nodeError('ERR_SSL_WRONG_VERSION_NUMBER'), 'stream')).toBeInstanceOf(
      ConnectionLostError,
    );
    const error = toStreamError(nodeError('ECONNREFUSED'), 'connect', 'tcp://127.0.0.1:9');
    expect(error).toBeInstanceOf(ConnectError);
    expect(error.message).toContain('tcp://127.0.0.1:9');
  });
});
