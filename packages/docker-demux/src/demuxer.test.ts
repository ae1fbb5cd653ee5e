// The seed Demuxer's scenarios (dockerpty's tests), over an in-memory ByteStream.
import type { ByteStream } from '@sluice/stream-core';
import { DaemonError, ProtocolError } from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import { frame, MemoryByteStream } from '../test/helpers.js';
import { Demuxer } from './demuxer.js';

const FOO_D = Buffer.concat([frame(1, 'foo'), frame(1, 'd')]);

function setup(): { stream: MemoryByteStream; demuxer: Demuxer } {
  const stream = new MemoryByteStream();
  return { stream, demuxer: new Demuxer(stream as unknown as ByteStream) };
}

const text = (bytes: Uint8Array | null): string | null =>
  bytes === null ? null : Buffer.from(bytes).toString('latin1');

/** Reads until end of stream, n bytes at a time, as one string per read. */
function readAll(demuxer: Demuxer, n?: number): string[] {
  const out: string[] = [];
  for (let r = demuxer.read(n); r !== null; r = demuxer.read(n)) {
    if (r.length > 0) out.push(text(r)!);
  }
  return out;
}

describe('Demuxer', () => {
  it('reads the foo,d fixture, then null at end', () => {
    const { stream, demuxer } = setup();
    stream.feed(FOO_D);
    stream.finish();
    expect(readAll(demuxer)).toEqual(['foo', 'd']);
    expect(demuxer.read()).toBeNull();
  });

  it.each([
    ['4+4', [4]],
    ['2+6', [2]],
    ['payload split', [9, 10]],
  ])('reads across a %s split', (_name, cuts) => {
    const { stream, demuxer } = setup();
    let from = 0;
    for (const cut of [...cuts, FOO_D.length]) {
      stream.feed(FOO_D.subarray(from, cut));
      from = cut;
    }
    stream.finish();
    expect(readAll(demuxer).join('')).toBe('food');
  });

  it('returns empty when only part of a header has arrived, then the payload', () => {
    const { stream, demuxer } = setup();
    stream.feed(FOO_D.subarray(0, 4));
    expect(demuxer.read()).toEqual(new Uint8Array(0));
    stream.feed(FOO_D.subarray(4));
    expect(text(demuxer.read())).toBe('foo');
  });

  it('read(2) returns fo, o, d: never more than n bytes, never two frames at once', () => {
    const { stream, demuxer } = setup();
    stream.feed(FOO_D);
    stream.finish();
    expect(readAll(demuxer, 2)).toEqual(['fo', 'o', 'd']);
  });

  it('skips a zero-length frame: it yields hi, not the end', () => {
    const { stream, demuxer } = setup();
    stream.feed(Buffer.concat([frame(1, ''), frame(1, 'hi')]));
    stream.finish();
    expect(readAll(demuxer)).toEqual(['hi']);
  });

  it('reports the stream id of what it returned', () => {
    const { stream, demuxer } = setup();
    stream.feed(Buffer.concat([frame(1, 'out'), frame(2, 'err'), frame(0, 'in')]));
    const ids: [string | null, number | undefined][] = [];
    for (let i = 0; i < 3; i++) ids.push([text(demuxer.read()), demuxer.lastStreamId]);
    expect(ids).toEqual([
      ['out', 1],
      ['err', 2],
      ['in', 0],
    ]);
  });

  it('throws DaemonError after returning the data before it', () => {
    const { stream, demuxer } = setup();
    stream.feed(Buffer.concat([frame(1, 'first'), frame(3, 'daemon error')]));
    expect(text(demuxer.read())).toBe('first');
    expect(() => demuxer.read()).toThrow(DaemonError);
  });

  it('throws ProtocolError for a truncated frame at end, after its bytes', () => {
    const { stream, demuxer } = setup();
    stream.feed(frame(1, 'abcdef').subarray(0, 10));
    stream.finish();
    expect(text(demuxer.read())).toBe('ab');
    expect(() => demuxer.read()).toThrow(/^truncated frame: 4 more bytes expected/);
    expect(() => demuxer.read()).toThrow(ProtocolError);
  });

  it('delegates fileno, write, needsWrite, doWrite, close and readiness', async () => {
    const { stream, demuxer } = setup();
    expect(demuxer.fileno()).toBe(42);
    expect(demuxer.write('input')).toBe(5);
    expect(demuxer.needsWrite()).toBe(true);
    expect(demuxer.doWrite()).toBe(0);
    expect(demuxer.readyToRead()).toBe(false);
    let notified = 0;
    const off = demuxer.onReadiness(() => notified++);
    stream.feed(frame(1, 'x'));
    expect([notified, demuxer.readyToRead(), demuxer.readyToWrite()]).toEqual([1, true, true]);
    off();
    await demuxer.close();
    expect(stream.closed).toBe(true);
  });
});
