// The compliance suite as this repo's tests run it: the published suite
// (`@sluice/transports/compliance`, src/testing/compliance.ts) registered with vitest.
import type { ByteStream, NodeBackedStream } from '@sluice/stream-core';
import { describe, it } from 'vitest';
import {
  type ComplianceOptions,
  defineComplianceSuite,
  type ComplianceFixture as Fixture,
} from '../testing/compliance.js';

export type { ComplianceOptions } from '../testing/compliance.js';

/** A connected pair of this repo's transports (Node-backed streams), or of any ByteStreams. */
export type ComplianceFixture<S extends ByteStream = NodeBackedStream> = Fixture<S>;

/** Registers the compliance checks for one transport with vitest. */
export function runComplianceSuite(
  name: string,
  makePair: () => Promise<Fixture<ByteStream>>,
  options: ComplianceOptions = {},
): void {
  defineComplianceSuite({ describe, it, skip: it.skip }, name, makePair, options);
}
