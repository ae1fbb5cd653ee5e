// demux() against the seven docker-modem defects in the reference, and its stream contract.
import { PassThrough, Writable } from 'node:stream';
import { ConnectionLostError, DaemonError, ProtocolError } from '@sluice/stream-core';
import { describe, expect, it } from 'vitest';
import { ChunkSource, Collector, frame, GatedSink } from '../test/helpers.js';
import { demux } from './demux.js';

function outputs(): { stdout: Collector; stderr: Collector } {
  return { stdout: new Collector(), stderr: new Collector() };
}

describe('demux: the docker-modem defects', () => {
  it('1. stream id 3 then stdout: DaemonError, no header bytes leak to stdout', async () => {
    const out = outputs();
    const input = Buffer.concat([frame(1, 'before'), frame(3, 'daemon error'), frame(1, 'after')]);
    const done = demux(new ChunkSource([input]), out);
    await expect(done).rejects.toThrow(DaemonError);
    await expect(done).rejects.toThrow('daemon error');
    expect(out.stdout.text()).toBe('before');
    expect(out.stderr.text()).toBe('');
    expect(out.stdout.writableEnded).toBe(true);
  });

  it('2. stream id 0 then stdout: both reach stdout', async () => {
    const out = outputs();
    await demux(new ChunkSource([Buffer.concat([frame(0, 'in!'), frame(1, 'out')])]), out);
    expect(out.stdout.text()).toBe('in!out');
  });

  it('3. 3,600 one-byte frames in one chunk', async () => {
    const out = outputs();
    const input = Buffer.concat(Array.from({ length: 3600 }, () => frame(1, 'A')));
    await demux(new ChunkSource([input]), out);
    expect(out.stdout.text()).toBe('A'.repeat(3600));
  });

  it('3b. 1,000,000 one-byte frames in one 9 MB chunk', async () => {
    const one = frame(2, 'B');
    const input = Buffer.alloc(one.length * 1_000_000);
    for (let at = 0; at < input.length; at += one.length) one.copy(input, at);
    // Every payload byte arrives (gathered into few writes: issue 17 item 9).
    let count = 0;
    const stderr = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const byte of chunk) if (byte === 0x42) count++;
        done();
      },
    });
    await demux(new ChunkSource([input]), { stdout: new Collector(), stderr });
    expect(count).toBe(1_000_000);
  });

  it('4. short raw output then EOF is not lost (raw mode)', async () => {
    const out = outputs();
    await demux(new ChunkSource([Buffer.from('hi\r\n')]), { ...out, kind: 'raw' });
    expect(out.stdout.text()).toBe('hi\r\n');
    expect(out.stderr.writableFinished).toBe(true);
  });

  it('4b. the same bytes read as multiplexed are reported, not dropped', async () => {
    const done = demux(new ChunkSource([Buffer.from('hi\r\n')]), outputs());
    await expect(done).rejects.toThrow(ProtocolError);
  });

  it('5. a truncated frame is reported after its bytes are delivered', async () => {
    const out = outputs();
    const input = Buffer.concat([frame(2, 'whole'), frame(1, 'cut short').subarray(0, 11)]);
    const done = demux(new ChunkSource([input.subarray(0, 15), input.subarray(15)]), out);
    await expect(done).rejects.toThrow(/^truncated frame: 6 more bytes expected/);
    expect(out.stderr.text()).toBe('whole');
    expect(out.stdout.text()).toBe('cut');
  });

  it('6a. outputs are ended when the source ends (and not with end: false)', async () => {
    const ended = outputs();
    await demux(new ChunkSource([frame(1, 'x')]), ended);
    expect([ended.stdout.writableFinished, ended.stderr.writableFinished]).toEqual([true, true]);
    const open = outputs();
    await demux(new ChunkSource([frame(2, 'y')]), { ...open, end: false });
    expect([open.stdout.writableEnded, open.stderr.writableEnded]).toEqual([false, false]);
    expect(open.stderr.text()).toBe('y');
  });

  it('6b. a slow output pauses the source; nothing is lost when it catches up', async () => {
    const chunks = Array.from({ length: 200 }, (_, i) =>
      Buffer.concat([frame(1, `o${i};`), frame(2, Buffer.alloc(1024, i))]),
    );
    const source = new ChunkSource(chunks);
    const stdout = new Collector();
    const stderr = new GatedSink(4096);
    const done = demux(source, { stdout, stderr });
    // Wait until the stalled stderr has made demux pause the source.
    await new Promise<void>((resolve) => source.once('pause', resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const pulledWhileStalled = source.pulled;
    // The source holds back: what was pulled is its own read-ahead plus the output's bound,
    // not the whole input, and stays so while the output is stalled.
    expect(pulledWhileStalled).toBeLessThan(source.readableHighWaterMark + 16 * 1024);
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(source.pulled).toBe(pulledWhileStalled);
    expect(source.isPaused()).toBe(true);
    // Let the consumer catch up, repeatedly, until demux is done.
    let finished = false;
    void done.finally(() => {
      finished = true;
    });
    while (!finished) {
      stderr.release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await done;
    expect(stdout.text()).toBe(chunks.map((_, i) => `o${i};`).join(''));
    expect(stderr.bytes()).toEqual(Buffer.concat(chunks.map((_, i) => Buffer.alloc(1024, i))));
  });
});

describe('demux: stream contract', () => {
  it('may write both streams to one output, in order', async () => {
    const both = new Collector();
    const input = Buffer.concat([frame(1, 'a'), frame(2, 'b'), frame(1, 'c')]);
    await demux(new ChunkSource([input]), { stdout: both, stderr: both });
    expect(both.text()).toBe('abc');
  });

  it('rejects with ConnectionLostError when the source is destroyed without ending', async () => {
    const source = new PassThrough();
    const out = outputs();
    const done = demux(source, out);
    source.write(frame(1, 'kept'));
    await new Promise((resolve) => setImmediate(resolve));
    source.destroy();
    await expect(done).rejects.toThrow(ConnectionLostError);
    expect(out.stdout.text()).toBe('kept');
  });

  it("rejects with the source's error and destroys nothing else", async () => {
    const source = new PassThrough();
    const out = outputs();
    const done = demux(source, { ...out, end: false });
    source.destroy(new Error('boom'));
    await expect(done).rejects.toThrow('boom');
    expect(out.stdout.destroyed).toBe(false);
  });

  it('destroys the source on a protocol error', async () => {
    const source = new ChunkSource([frame(5, 'x'), frame(1, 'never read')]);
    await expect(demux(source, outputs())).rejects.toMatchObject({ offset: 0 });
    expect(source.destroyed).toBe(true);
  });

  it('rejects when an output fails', async () => {
    const source = new PassThrough();
    const stdout = new Collector();
    const done = demux(source, { stdout, stderr: new Collector() });
    stdout.destroy(new Error('EPIPE'));
    await expect(done).rejects.toThrow('EPIPE');
    expect(source.destroyed).toBe(true);
  });
});
