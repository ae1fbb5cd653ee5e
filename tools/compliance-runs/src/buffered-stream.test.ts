// Issue 12, the test kit: the transport compliance suite against stream-core's
// `BufferedStream`, on both sides of a `Stream` pair in memory. The suite flushes through the
// contract's `flush?.()` what the peer must see before it waits, as a buffering layer needs.
import { BufferedStream } from '@sluice/stream-core';
import { defineComplianceSuite } from '@sluice/transports/compliance';
import { describe, it } from 'vitest';
import { memoryFixture, volume } from './fixtures.js';

defineComplianceSuite(
  { describe, it, skip: it.skip },
  'BufferedStream over the memory pair',
  async () => memoryFixture((s) => new BufferedStream(s)),
  volume,
);
