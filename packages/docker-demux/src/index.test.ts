// Issue 13 "friction": a user imports the errors and the seed's constants from the package
// that throws and defines them, not from stream-core.
import * as core from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import * as demuxPackage from './index.js';

describe('@sluice/docker-demux exports', () => {
  it('re-exports the error classes it throws (the same classes as stream-core)', () => {
    expect(demuxPackage.DaemonError).toBe(core.DaemonError);
    expect(demuxPackage.ProtocolError).toBe(core.ProtocolError);
    expect(demuxPackage.BufferOverflowError).toBe(core.BufferOverflowError);
    expect(demuxPackage.ConnectionLostError).toBe(core.ConnectionLostError);
    expect(demuxPackage.StreamClosedError).toBe(core.StreamClosedError);
    expect(demuxPackage.StreamError).toBe(core.StreamError);
  });

  it("exports the seed's stream ids", () => {
    expect([demuxPackage.STDIN, demuxPackage.STDOUT, demuxPackage.STDERR]).toEqual([0, 1, 2]);
    expect(demuxPackage.SYSTEMERR).toBe(3);
  });

  it('keeps the old decoder names as deprecated aliases of the distinct ones', () => {
    expect(demuxPackage.FrameDecoder).toBe(demuxPackage.DockerFrameDecoder);
    expect(demuxPackage.HEADER_SIZE).toBe(demuxPackage.DOCKER_HEADER_SIZE);
  });
});
