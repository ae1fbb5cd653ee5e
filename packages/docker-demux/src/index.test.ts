// Issue 13 "friction": a user imports the errors and the seed's constants from the package
// that throws and defines them, not from stream-core.
import * as core from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import * as demuxPackage from './index.js';

describe('@sluice/docker-demux exports', () => {
  it('re-exports the error classes it throws (the same classes as stream-core)', () => {
    for (const name of [
      'DaemonError',
      'ProtocolError',
      'BufferOverflowError',
      'ConnectionLostError',
      'StreamClosedError',
      'StreamError',
    ] as const) {
      expect(demuxPackage[name]).toBe(core[name]);
    }
  });

  it("exports the seed's stream ids", () => {
    expect([demuxPackage.STDIN, demuxPackage.STDOUT, demuxPackage.STDERR]).toEqual([0, 1, 2]);
    expect(demuxPackage.SYSTEMERR).toBe(3);
  });
});
