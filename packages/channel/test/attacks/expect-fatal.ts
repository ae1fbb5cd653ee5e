// The one outcome every attack must have: one fatal EncryptionError with the right reason,
// the channel closed, and no plaintext handed out before its tag verified.
import { EncryptionError, type EncryptionFailure } from '@sluice/stream-core';
import { expect } from 'vitest';
import type { Channel } from '../../src/index.js';
import { rejection } from './session.js';

/** Receives on `channel` until it fails; returns what was delivered before the failure. */
export async function expectFatal(
  channel: Channel,
  reason: EncryptionFailure,
  delivered: readonly string[] = [],
): Promise<EncryptionError> {
  const got: string[] = [];
  let error: unknown;
  for (;;) {
    try {
      got.push(Buffer.from(await channel.recv()).toString());
    } catch (e) {
      error = e;
      break;
    }
  }
  expect(got).toEqual(delivered);
  expect(error).toBeInstanceOf(EncryptionError);
  expect((error as EncryptionError).reason).toBe(reason);
  // Fatal: the channel is closed, and every later call fails the same way.
  expect(channel.closed).toBe(true);
  expect(await rejection(channel.recv())).toBe(error);
  return error as EncryptionError;
}
