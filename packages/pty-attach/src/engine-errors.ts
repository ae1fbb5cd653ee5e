// One mapping from what dockerode and Node throw to the error family: an engine's refusal
// keeps its status and message (`EngineError`), an engine that cannot be reached is a
// `ConnectError` naming its address, a connection that drops is `ConnectionLostError`.
import {
  ConnectError,
  ConnectionLostError,
  ProtocolError,
  StreamError,
  TimeoutError,
} from '@sluice/stream-core';
import { EngineError } from './errors.js';

// Errno codes that mean "nobody answers there".
const UNREACHABLE = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'EACCES',
  'EPERM',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENOTSOCK',
  'EADDRNOTAVAIL',
]);
const DROPPED = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

interface DockerodeError {
  statusCode?: unknown;
  json?: unknown;
  reason?: unknown;
  code?: unknown;
  message?: unknown;
}

/** The engine's `{"message": …}` out of a dockerode error's body, if it has one. */
function engineText(json: unknown): string {
  if (typeof json === 'object' && json !== null && 'message' in json) {
    const m = (json as { message: unknown }).message;
    if (typeof m === 'string') return m;
  }
  if (typeof json === 'string') return json.trim();
  if (Buffer.isBuffer(json)) return json.toString('utf8').trim();
  return '';
}

/**
 * `error` as a member of the error family. `address` names the engine (for an unreachable
 * one), `what` the operation (e.g. "inspect container abc").
 */
export function toEngineFailure(error: unknown, address: string, what: string): StreamError {
  if (error instanceof StreamError) return error;
  const e = (error ?? {}) as DockerodeError;
  if (typeof e.statusCode === 'number') {
    const detail = engineText(e.json) || (typeof e.reason === 'string' ? e.reason : '');
    return new EngineError(
      e.statusCode,
      detail,
      `${what}: the engine answered ${e.statusCode}${detail ? `: ${detail}` : ''}`,
      { cause: error },
    );
  }
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(error);
  if (UNREACHABLE.has(code)) {
    return new ConnectError(`cannot reach the Docker engine at ${address} (${code}): ${message}`, {
      cause: error,
    });
  }
  if (DROPPED.has(code)) {
    return new ConnectionLostError(
      `${what}: the engine at ${address} closed the connection (${code})`,
      { cause: error },
    );
  }
  if (code === 'ETIMEDOUT' || (error as Error)?.name === 'TimeoutError') {
    return new TimeoutError(`${what}: the engine at ${address} did not answer in time`, {
      cause: error,
    });
  }
  if (error instanceof SyntaxError) {
    return new ProtocolError(`${what}: the engine's reply is not valid JSON`, { cause: error });
  }
  return new StreamError(`${what}: ${message}`, { cause: error });
}

/** Checks that a reply that should be a JSON object is one (dockerode passes bytes through). */
export function expectObject<T>(value: unknown, what: string): T {
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) {
    throw new ProtocolError(`${what}: the engine's reply is not a JSON object`);
  }
  return value as T;
}
