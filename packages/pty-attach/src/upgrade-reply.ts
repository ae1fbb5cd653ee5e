// What an upgrade request's reply means, fed to a `ReplyParser` chunk by chunk: a 101 (with
// the bytes after it, which belong to the stream), or an `UpgradeError` with the engine's
// status and message once the error body is complete — or at its cap, whatever the encoding.
import { BufferOverflowError, TimeoutError } from '@sluice/stream-core';
import { engineMessage } from './engine-http.js';
import { UpgradeError } from './errors.js';
import type { ReplyHead, ReplyParser } from './http-reply.js';

/** The upgrade went through. */
export interface Upgraded {
  head: ReplyHead;
  /** Bytes that came with the 101. */
  rest: Buffer;
}

// An error message this long is not read further: the user sees the start of it.
const SHOWN = 4096;

function refusal(parser: ReplyParser, truncated: boolean): UpgradeError {
  const text = parser.body.toString('utf8');
  const detail = engineMessage(text.length > SHOWN ? text.slice(0, SHOWN) : text);
  return new UpgradeError(
    parser.head?.status ?? 0,
    truncated || text.length > SHOWN ? `${detail} … (cut)` : detail,
  );
}

/** Feeds `chunk`: `Upgraded` on a 101, undefined while more is needed; throws on a refusal. */
export function feedUpgrade(parser: ReplyParser, chunk: Buffer): Upgraded | undefined {
  try {
    parser.push(chunk);
  } catch (error) {
    if (error instanceof BufferOverflowError && parser.head) throw refusal(parser, true);
    throw error;
  }
  const head = parser.head;
  if (head === undefined) return undefined;
  if (head.status === 101) return { head, rest: parser.rest };
  if (parser.done) throw refusal(parser, false);
  return undefined;
}

/** The connection ended before the upgrade: a complete refusal, or a typed error. */
export function endUpgrade(parser: ReplyParser): never {
  parser.end();
  throw refusal(parser, false);
}

/** The `TimeoutError` of an engine that did not answer an upgrade in time. */
export function upgradeTimeout(address: string, timeoutMs: number): TimeoutError {
  return new TimeoutError(
    `the engine at ${address} did not answer the attach within ${timeoutMs} ms`,
    { timeoutMs },
  );
}
