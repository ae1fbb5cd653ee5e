import { describe, expect, it } from 'vitest';
import { streamKindFromContentType, streamKindFromInspect } from './detect.js';

describe('detection', () => {
  it('reads the Content-Type of an upgraded reply', () => {
    expect(streamKindFromContentType('application/vnd.docker.multiplexed-stream')).toBe(
      'multiplexed',
    );
    expect(streamKindFromContentType('Application/VND.docker.raw-stream; x=y', '1.42')).toBe('raw');
    expect(streamKindFromContentType(['application/vnd.docker.raw-stream'], '1.45')).toBe('raw');
    expect(streamKindFromContentType('application/json')).toBeUndefined();
    expect(streamKindFromContentType(undefined)).toBeUndefined();
  });

  it('does not trust raw-stream below API 1.42 (Docker 20.10 sends it for every upgrade)', () => {
    expect(streamKindFromContentType('application/vnd.docker.raw-stream')).toBeUndefined();
    expect(streamKindFromContentType('application/vnd.docker.raw-stream', '1.41')).toBeUndefined();
    expect(streamKindFromContentType('application/vnd.docker.raw-stream', '2.0')).toBe('raw');
  });

  it('reads Config.Tty (containers) and ProcessConfig.tty (execs)', () => {
    expect(streamKindFromInspect({ Config: { Tty: true } })).toBe('raw');
    expect(streamKindFromInspect({ Config: { Tty: false } })).toBe('multiplexed');
    expect(streamKindFromInspect({ ProcessConfig: { tty: true } })).toBe('raw');
    expect(streamKindFromInspect({ ProcessConfig: { tty: false } })).toBe('multiplexed');
    expect(streamKindFromInspect({})).toBeUndefined();
    expect(streamKindFromInspect(null)).toBeUndefined();
  });
});
