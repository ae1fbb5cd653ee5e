// Telling a replayed or out-of-order record from a forged one. Noise transport messages carry
// no nonce, so a record that is a copy of an earlier one, or that arrived before records the
// attacker dropped or held back, fails its tag like a flipped bit. Only on that failure path,
// the record is tried under the nonces just behind and just ahead of the expected one: a tag
// that verifies there names what happened. The window is fixed, so a failure costs at most
// 2 × REPLAY_WINDOW more AEAD passes over one record, once (the channel closes after it).
import { EncryptionError } from '@sluice/stream-core';
import type { CipherState } from '../noise/index.js';

/** How many nonces behind (replayed) and ahead (early: dropped or reordered) are tried. */
export const REPLAY_WINDOW = 8;

/**
 * The error for a record that failed its tag under `state`'s next nonce: 'replayed' when it
 * verifies under a nonce within `REPLAY_WINDOW` of it (a copy of a recent record, or a record
 * that came early), else `failure` unchanged ('tampered'). The counter does not move.
 */
export function classifyFailure(
  state: CipherState,
  header: Uint8Array,
  record: Uint8Array,
  failure: EncryptionError,
): EncryptionError {
  const expected = state.nonce;
  for (let d = 1n; d <= BigInt(REPLAY_WINDOW); d++) {
    if (d <= expected && state.verifiesAt(header, record, expected - d)) {
      return new EncryptionError(
        `record ${expected} is a copy of record ${expected - d} of this session: replayed or duplicated`,
        { reason: 'replayed', cause: failure },
      );
    }
    if (state.verifiesAt(header, record, expected + d)) {
      return new EncryptionError(
        `record ${expected + d} arrived where record ${expected} was expected: ${d} record(s) before it were dropped or reordered`,
        { reason: 'replayed', cause: failure },
      );
    }
  }
  return failure;
}
