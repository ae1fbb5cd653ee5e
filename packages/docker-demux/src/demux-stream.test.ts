import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DaemonError, ProtocolError } from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import { ChunkSource, frame } from '../test/helpers.js';
import { DemuxStream } from './demux-stream.js';

async function drain(readable: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of readable) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('latin1');
}

describe('DemuxStream', () => {
  it('splits a multiplexed stream into stdout and stderr Readables', async () => {
    const demuxer = new DemuxStream();
    const input = Buffer.concat([frame(1, 'out1 '), frame(2, 'err'), frame(0, 'out2')]);
    const [, out, err] = await Promise.all([
      pipeline(new ChunkSource([input.subarray(0, 5), input.subarray(5)]), demuxer),
      drain(demuxer.stdout),
      drain(demuxer.stderr),
    ]);
    expect([out, err]).toEqual(['out1 out2', 'err']);
  });

  it('holds writes back while an output is full', async () => {
    const demuxer = new DemuxStream({ highWaterMark: 1024 });
    const chunks = Array.from({ length: 1000 }, (_, i) => frame(2, Buffer.alloc(1000, i % 256)));
    const source = new ChunkSource(chunks);
    const done = pipeline(source, demuxer);
    await new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    // Nobody reads stderr yet: only the buffers' bounds' worth of the 1 MB input was taken.
    const bound = source.readableHighWaterMark + demuxer.writableHighWaterMark + 8 * 1024;
    expect(source.pulled).toBeLessThan(bound);
    const [err, out] = await Promise.all([drain(demuxer.stderr), drain(demuxer.stdout), done]);
    expect(Buffer.from(err, 'latin1')).toEqual(
      Buffer.concat(chunks.map((_, i) => Buffer.alloc(1000, i % 256))),
    );
    expect(out).toBe('');
  });

  it('passes raw bytes through to stdout', async () => {
    const demuxer = new DemuxStream({ kind: 'raw' });
    const [, out] = await Promise.all([
      pipeline(new ChunkSource([Buffer.from('hi\r\n')]), demuxer),
      drain(demuxer.stdout),
    ]);
    expect(out).toBe('hi\r\n');
  });

  it('fails the pipeline with DaemonError; outputs keep what came before and end', async () => {
    const demuxer = new DemuxStream();
    const input = Buffer.concat([frame(1, 'before'), frame(3, 'Error grabbing logs: x')]);
    const out = drain(demuxer.stdout);
    const err = drain(demuxer.stderr);
    await expect(pipeline(new ChunkSource([input]), demuxer)).rejects.toThrow(DaemonError);
    expect([await out, await err]).toEqual(['before', '']);
  });

  it('fails the pipeline on a truncated frame after delivering its bytes', async () => {
    const demuxer = new DemuxStream();
    const out = drain(demuxer.stdout);
    const done = pipeline(new ChunkSource([frame(1, 'abcdef').subarray(0, 11)]), demuxer);
    await expect(done).rejects.toThrow(ProtocolError);
    expect(await out).toBe('abc');
  });
});
