// Issue 12, the test kit: the transport compliance suite against stream-core's `Stream` over
// the in-memory pair (`@sluice/stream-core/testing`), imported by package name.
import { defineComplianceSuite } from '@sluice/transports/compliance';
import { describe, it } from 'vitest';
import { memoryFixture, volume } from './fixtures.js';

defineComplianceSuite(
  { describe, it, skip: it.skip },
  'Stream over the memory pair',
  async () => memoryFixture(),
  volume,
);
