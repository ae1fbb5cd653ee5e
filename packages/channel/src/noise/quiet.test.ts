import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { withoutStackTraces } from './quiet.js';

describe('withoutStackTraces', () => {
  it('runs the import with stack traces off and puts the limit back', () => {
    const before = Error.stackTraceLimit;
    expect(withoutStackTraces(() => Error.stackTraceLimit)).toBe(0);
    expect(Error.stackTraceLimit).toBe(before);
  });

  it('puts the limit back when the import throws, and the error still arrives', () => {
    const before = Error.stackTraceLimit;
    expect(() =>
      withoutStackTraces(() =>
        createPublicKey({ key: { kty: 'OKP', crv: 'X25519' }, format: 'jwk' }),
      ),
    ).toThrow();
    expect(Error.stackTraceLimit).toBe(before);
  });
});
