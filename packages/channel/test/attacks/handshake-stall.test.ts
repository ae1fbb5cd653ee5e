// Attack: a peer (or the path) that stalls at each step of the handshake: the proxy passes
// the first `step` frames of the handshake and then nothing. Each end gives up after its
// handshake timeout with 'handshake-timeout', instead of waiting forever (an end whose own
// part is done may complete; the end still waiting cannot).
import { EncryptionError } from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import { type Frame, isRecord } from './proxy.js';
import { PSK, session } from './session.js';

const TIMEOUT_MS = 300;
const options = { encrypt: { key: PSK, handshakeTimeoutMs: TIMEOUT_MS } };

// How many frames a whole handshake takes, both directions together, from a clean run.
async function handshakeFrames(): Promise<number> {
  await using s = await session({ client: options, server: options });
  await Promise.all([s.client.handshake(), s.server.handshake()]);
  await s.client.send('x');
  await s.client.flush();
  await s.server.recv();
  return s.proxy.frames.findIndex((f: Frame) => isRecord(f));
}

async function stallAfter(step: number): Promise<void> {
  let passed = 0;
  await using s = await session({
    client: options,
    server: options,
    onFrame: (frame) => (passed++ < step ? frame.bytes : undefined),
  });
  const started = performance.now();
  const results = await Promise.allSettled([s.client.handshake(), s.server.handshake()]);
  const elapsed = performance.now() - started;
  // An end whose last handshake step went out may have completed; the other cannot have.
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  expect(errors.length, `stalled after ${step} frame(s)`).toBeGreaterThanOrEqual(1);
  for (const error of errors) {
    expect(error, `stalled after ${step} frame(s)`).toBeInstanceOf(EncryptionError);
    expect((error as EncryptionError).reason).toBe('handshake-timeout');
  }
  // Not before the timeout; and long before a hang (the test's own timeout is 30 s).
  expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
  expect(elapsed).toBeLessThan(TIMEOUT_MS + 10_000);
}

describe('attack: a stalled handshake', () => {
  it('at every step, both ends fail with handshake-timeout', async () => {
    const total = await handshakeFrames();
    expect(total).toBeGreaterThanOrEqual(2);
    // All steps at once: each is a connection of its own, waiting for its own timeout.
    await Promise.all(Array.from({ length: total }, (_, step) => stallAfter(step)));
  });
});
