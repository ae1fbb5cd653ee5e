// Issue 17 item 9: what a hostile or broken daemon can still do to the decoder's users.

import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BufferOverflowError, DaemonError, Stream } from '@sluice/stream-core';
import { unixSocketPair } from '@sluice/stream-core/testing';
import { describe, expect, it } from 'vitest';
import { ChunkSource, Collector, frame } from '../test/helpers.js';
import { DEFAULT_MAX_ERROR_SIZE } from './constants.js';
import { DockerFrameDecoder } from './decoder.js';
import { demux } from './demux.js';
import { DemuxStream } from './demux-stream.js';
import { Demuxer } from './demuxer.js';

const EMPTY_DAEMON_ERROR = Buffer.from([3, 0, 0, 0, 0, 0, 0, 0]);

describe('an empty stream id 3 frame is a DaemonError, as stdcopy reports it', () => {
  it('from the decoder, after the data before it', () => {
    const got: string[] = [];
    const decoder = new DockerFrameDecoder((_id, p) => got.push(p.toString()));
    expect(() => decoder.push(Buffer.concat([frame(1, 'before'), EMPTY_DAEMON_ERROR]))).toThrow(
      DaemonError,
    );
    expect(got).toEqual(['before']);
    // Cut inside the header too.
    const cut = new DockerFrameDecoder(() => {});
    cut.push(EMPTY_DAEMON_ERROR.subarray(0, 5));
    expect(() => cut.push(EMPTY_DAEMON_ERROR.subarray(5))).toThrow(DaemonError);
  });

  it('from demux() over a real socket', async () => {
    const [engine, client] = await unixSocketPair();
    const out = new Collector();
    const done = demux(client, { stdout: out, stderr: new Collector() });
    engine.end(Buffer.concat([frame(1, 'hi'), EMPTY_DAEMON_ERROR, frame(1, 'after')]));
    await expect(done).rejects.toThrow(DaemonError);
    expect(out.bytes().toString()).toBe('hi');
    engine.destroy();
  });

  it('from DemuxStream in a pipeline and from the seed Demuxer over a Stream', async () => {
    await expect(
      pipeline(new ChunkSource([EMPTY_DAEMON_ERROR]), new DemuxStream()),
    ).rejects.toBeInstanceOf(DaemonError);
    const [engine, client] = await unixSocketPair();
    const demuxer = new Demuxer(new Stream(client));
    engine.write(EMPTY_DAEMON_ERROR);
    let error: unknown;
    for (let i = 0; i < 100 && error === undefined; i++) {
      await demuxer.stream.poll(1000);
      try {
        demuxer.read();
      } catch (e) {
        error = e;
      }
    }
    expect(error).toBeInstanceOf(DaemonError);
    engine.destroy();
    await demuxer.stream.close();
  });
});

describe('a daemon error message has a small cap of its own', () => {
  it('a 32 MiB id-3 frame ends in a DaemonError with its first 64 KiB, without reading or holding the rest', async () => {
    const size = 32 * 1024 * 1024;
    const header = Buffer.from([3, 0, 0, 0, 0, 0, 0, 0]);
    header.writeUInt32BE(size, 4);
    const text = Buffer.alloc(size, 'x');
    text.write('Error grabbing logs: ', 0);
    const [engine, client] = await unixSocketPair();
    const before = process.memoryUsage().arrayBuffers;
    const done = demux(client, { stdout: new Collector(), stderr: new Collector() });
    engine.write(header);
    engine.write(text.subarray(0, 1024 * 1024));
    const error = await done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DaemonError);
    const message = (error as Error).message;
    expect(message.startsWith('Error grabbing logs: ')).toBe(true);
    expect(message).toContain(`cut at ${DEFAULT_MAX_ERROR_SIZE} of ${size} bytes`);
    expect(message.length).toBeLessThan(DEFAULT_MAX_ERROR_SIZE + 200);
    // Nothing of the announced size was allocated.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(size / 2);
    engine.destroy();
  });

  it('maxErrorSize is an option; output frames keep maxFrameSize', () => {
    const decoder = new DockerFrameDecoder(() => {}, { maxErrorSize: 4, maxFrameSize: 8 });
    expect(() => decoder.push(frame(3, 'abcdefgh'))).toThrow('abcd … (cut at 4 of 8 bytes)');
    expect(() => new DockerFrameDecoder(() => {}).push(frame(1, 'x'.repeat(9)))).not.toThrow();
    expect(() =>
      new DockerFrameDecoder(() => {}, { maxFrameSize: 8 }).push(frame(1, 'x'.repeat(9))),
    ).toThrow(BufferOverflowError);
    expect(() => new DockerFrameDecoder(() => {}, { maxErrorSize: 0 })).toThrow(RangeError);
  });
});

describe('one big chunk of 1-byte frames on a slow output', () => {
  // One 9 MB chunk: a million frames of one byte (what the attack sent).
  const oneByteFrames = (): Buffer => {
    const one = frame(1, 'B');
    const input = Buffer.alloc(one.length * 1_000_000);
    for (let at = 0; at < input.length; at += one.length) one.copy(input, at);
    return input;
  };

  it('demux() queues few writes, and memory stays far below the per-write cost', async () => {
    const input = oneByteFrames();
    globalThis.gc?.();
    const before = process.memoryUsage();
    let writes = 0;
    let bytes = 0;
    let peak = 0;
    // A slow output: each write completes on a later turn of the loop.
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _enc, done) {
        writes++;
        bytes += chunk.length;
        const now = process.memoryUsage();
        peak = Math.max(peak, now.heapUsed + now.arrayBuffers);
        setImmediate(done);
      },
    });
    await demux(new ChunkSource([input]), { stdout: slow, stderr: new Collector() });
    expect(bytes).toBe(1_000_000);
    // About 1 MB of payload in 64 KiB blocks: a few dozen writes, not a million.
    expect(writes).toBeLessThan(1000);
    // The attack cost +404 MiB; the payload itself is 1 MB.
    expect(peak - (before.heapUsed + before.arrayBuffers)).toBeLessThan(64 * 1024 * 1024);
  });

  it('DemuxStream pushes few chunks to its outputs', async () => {
    const split = new DemuxStream();
    let pushes = 0;
    let bytes = 0;
    split.stdout.on('data', (chunk: Buffer) => {
      pushes++;
      bytes += chunk.length;
    });
    split.stderr.resume();
    await pipeline(new ChunkSource([oneByteFrames()]), split);
    expect(bytes).toBe(1_000_000);
    expect(pushes).toBeLessThan(1000);
  });
});
