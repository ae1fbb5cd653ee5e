import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { MAX_BUFFER_SIZE } from './constants.js';
import { ConnectionLostError, StreamClosedError } from './errors.js';
import { Pump } from './pump.js';
import { Stream } from './stream.js';
import { chunkedSource } from './testing/chunked-source.js';
import { partialWriteSink, slowSink } from './testing/sinks.js';
import { unixSocketPair } from './testing/socket-pair.js';
import { createStreamPair } from './testing/stream-pair.js';

function source(text: string | Buffer, splits: number[] = []): Stream {
  return Stream.fromPair(chunkedSource(text, splits), new PassThrough());
}

async function until(stream: Stream, condition: () => boolean): Promise<void> {
  while (!condition()) await stream.poll(1000);
}

describe('Pump: flush and isDone (dockerpty)', () => {
  it('flush(3) from "food" moves "foo" and returns 3', async () => {
    const from = source('food');
    const sink = partialWriteSink(100);
    const pump = new Pump(from, new Stream(sink));
    await until(from, () => from.bufferedReadBytes === 4);
    expect(pump.flush(3)).toBe(3);
    expect(sink.received.toString()).toBe('foo');
    expect(pump.fileno()).toBe(-1);
  });

  it('flush() returns null at end of stream', async () => {
    const from = source('ab');
    const pump = new Pump(from, new Stream(partialWriteSink(100)));
    await until(from, () => from.readyToRead());
    expect(pump.flush()).toBe(2);
    await until(from, () => from.readyToRead());
    expect(pump.flush()).toBeNull();
  });

  it('isDone() is true at once with waitForOutput=false', () => {
    const [a] = createStreamPair();
    const [c] = createStreamPair();
    expect(new Pump(a, c, { waitForOutput: false }).isDone()).toBe(true);
  });

  it('isDone() becomes true only after the end-of-stream flush with waitForOutput=true', async () => {
    const from = source('data');
    const pump = new Pump(from, new Stream(partialWriteSink(100)), { waitForOutput: true });
    expect(pump.isDone()).toBe(false);
    await until(from, () => from.readyToRead());
    expect(pump.flush()).toBe(4);
    expect(pump.isDone()).toBe(false);
    await until(from, () => from.readyToRead());
    expect(pump.flush()).toBeNull();
    expect(pump.isDone()).toBe(true);
  });

  it('isDone() waits for the destination to flush what the pump handed it', async () => {
    const from = source('123456789');
    const sink = partialWriteSink(5);
    const to = new Stream(sink);
    const pump = new Pump(from, to, { waitForOutput: false });
    await until(from, () => from.readyToRead());
    expect(pump.flush()).toBe(9);
    expect(pump.isDone()).toBe(false);
    to.doWrite();
    expect(pump.isDone()).toBe(true);
  });

  it('propagateClose=true half-closes the destination at end of stream', async () => {
    const from = source('x');
    const sink = partialWriteSink(100);
    const to = new Stream(sink);
    const pump = new Pump(from, to);
    await until(from, () => from.readyToRead());
    pump.flush();
    await until(from, () => from.readyToRead());
    expect(pump.eof).toBe(false);
    expect(pump.flush()).toBeNull();
    expect(pump.eof).toBe(true);
    // The writing side ends (the peer sees end of stream); the stream is not closed.
    await new Promise((resolve) => sink.once('finish', resolve));
    expect(sink.received.toString()).toBe('x');
    expect(to.closed).toBe(false);
    expect(() => to.write('late')).toThrow(StreamClosedError);
  });

  it('propagateClose=false leaves the destination open', async () => {
    const from = source('x');
    const sink = partialWriteSink(100);
    const to = new Stream(sink);
    const pump = new Pump(from, to, { propagateClose: false });
    await until(from, () => from.readyToRead());
    pump.flush();
    await until(from, () => from.readyToRead());
    expect(pump.flush()).toBeNull();
    expect(to.closed).toBe(false);
    expect(to.write('more')).toBe(4);
    expect(sink.received.toString()).toBe('xmore');
  });

  it('is selectable: readiness follows its source and destination', async () => {
    const [a, b] = createStreamPair();
    const [c] = createStreamPair();
    const pump = new Pump(b, c);
    expect(pump.readyToRead()).toBe(false);
    expect(pump.readyToWrite()).toBe(true);
    const changed = new Promise<void>((resolve) => {
      const off = pump.onReadiness(() => {
        off();
        resolve();
      });
    });
    a.write('hi');
    await changed;
    await until(b, () => b.readyToRead());
    expect(pump.readyToRead()).toBe(true);
  });
});

describe('Pump.run', () => {
  it('moves everything over a Unix socket pair and closes the destination', async () => {
    const [x, y] = await unixSocketPair();
    const data = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31) % 256;
    const from = source(data, [1, 1000, 70_000, 2_000_000]);
    const to = new Stream(x);
    const far = new Stream(y);
    const received: Buffer[] = [];
    const reading = (async () => {
      for await (const chunk of far) received.push(Buffer.from(chunk));
    })();
    const moved = await new Pump(from, to).run();
    await reading;
    expect(moved).toBe(data.length);
    expect(Buffer.concat(received).equals(data)).toBe(true);
    await far.close();
  });

  it('with propagateClose=false waits for the flush and leaves the destination open', async () => {
    const sink = partialWriteSink(3);
    const to = new Stream(sink);
    const moved = await new Pump(source('abcdefghij', [4]), to, { propagateClose: false }).run();
    expect(moved).toBe(10);
    expect(to.needsWrite()).toBe(false);
    expect(to.closed).toBe(false);
    expect(sink.received.toString()).toBe('abcdefghij');
    expect(to.write('!')).toBe(1);
    expect(sink.received.toString()).toBe('abcdefghij!');
  });

  it('works through the generic ByteStream path (e.g. a wrapped stream)', async () => {
    const { BufferedStream } = await import('./buffered-stream.js');
    const [a, b] = createStreamPair();
    const [c, d] = createStreamPair();
    const pumping = new Pump(new BufferedStream(b, 16), new BufferedStream(c, 16)).run();
    await a.writeAll('generic path works');
    await a.closeWrite();
    let text = '';
    for await (const chunk of d) text += chunk.toString();
    expect(await pumping).toBe(18);
    expect(text).toBe('generic path works');
  });

  it('rejects with ConnectionLostError when the destination goes away', async () => {
    const [a, b] = createStreamPair();
    const [c, d] = createStreamPair();
    const pumping = new Pump(b, c).run();
    await a.writeAll('first');
    await until(d, () => d.readyToRead());
    d.destroy();
    await a.writeAll('second');
    await expect(pumping).rejects.toBeInstanceOf(ConnectionLostError);
    await a.close();
  });

  it('rejects with ConnectionLostError when a socket destination is reset', async () => {
    const [x, y] = await unixSocketPair();
    const [a, b] = createStreamPair();
    const pumping = new Pump(b, new Stream(x)).run();
    y.destroy();
    const block = Buffer.alloc(64 * 1024);
    const err = await (async () => {
      for (let i = 0; i < 1000; i++) {
        const outcome = await Promise.race([
          pumping.then(
            () => 'done',
            (e: unknown) => e,
          ),
          a.writeAll(block).then(() => undefined),
        ]);
        if (outcome !== undefined) return outcome;
      }
      return 'no error';
    })();
    expect(err).toBeInstanceOf(ConnectionLostError);
    // Nobody reads b any more: closing it first lets a's close() finish instead of waiting.
    await b.close();
    await a.close();
  });

  it('stops with the abort reason and leaves the streams open', async () => {
    const [, b] = createStreamPair();
    const [c] = createStreamPair();
    const controller = new AbortController();
    const pumping = new Pump(b, c).run(controller.signal);
    controller.abort(new Error('stop'));
    await expect(pumping).rejects.toThrow('stop');
    expect(b.closed).toBe(false);
    expect(c.closed).toBe(false);
  });

  it('keeps its buffered bytes under 2 x MAX_BUFFER_SIZE from a 1 GiB source into a 1 MiB/s sink', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      // A source that could produce 1 GiB, generated lazily in 64 KiB chunks as it is asked.
      const total = 1024 * 1024 * 1024;
      const chunk = Buffer.alloc(64 * 1024, 7);
      let produced = 0;
      const virtual = new Readable({
        read() {
          if (produced >= total) return void this.push(null);
          produced += chunk.length;
          this.push(chunk);
        },
      });
      const from = Stream.fromPair(virtual, new PassThrough());
      const sink = slowSink(1024 * 1024);
      const to = new Stream(sink);
      const pump = new Pump(from, to);
      const controller = new AbortController();
      const pumping = pump.run(controller.signal).catch((e: unknown) => e);
      // Ten virtual seconds: the sink takes about 10 MiB at its rate.
      for (let t = 0; t < 100; t++) {
        await vi.advanceTimersByTimeAsync(100);
        await new Promise((resolve) => setImmediate(resolve));
        expect(pump.bufferedBytes).toBeLessThan(2 * MAX_BUFFER_SIZE);
      }
      expect(sink.receivedBytes).toBeGreaterThanOrEqual(9 * 1024 * 1024);
      expect(pump.bytesMoved).toBeGreaterThanOrEqual(sink.receivedBytes);
      // The sink was the bottleneck: bytes did wait in the pump's care.
      expect(pump.maxBufferedBytes).toBeGreaterThan(64 * 1024);
      expect(pump.maxBufferedBytes).toBeLessThan(2 * MAX_BUFFER_SIZE);
      // The producer was held back: it made only what the buffers and the sink took.
      expect(produced).toBeLessThan(sink.receivedBytes + 3 * MAX_BUFFER_SIZE);
      controller.abort();
      expect(await pumping).toBeInstanceOf(Error);
      to.destroy();
      from.destroy();
    } finally {
      vi.useRealTimers();
    }
  });
});
