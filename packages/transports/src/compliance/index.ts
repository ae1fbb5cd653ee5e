// The compliance suite as this repo's tests run it: the published suite
// (`@sluice/transports/compliance`, src/testing/compliance.ts) registered with vitest.
import { describe, it } from 'vitest';
import {
  type ComplianceFixture,
  type ComplianceOptions,
  defineComplianceSuite,
} from '../testing/compliance.js';

export type { ComplianceFixture, ComplianceOptions } from '../testing/compliance.js';

/** Registers the compliance checks for one transport with vitest. */
export function runComplianceSuite(
  name: string,
  makePair: () => Promise<ComplianceFixture>,
  options: ComplianceOptions = {},
): void {
  defineComplianceSuite({ describe, it, skip: it.skip }, name, makePair, options);
}
