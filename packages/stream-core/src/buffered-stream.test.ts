import { describe, expect, it } from 'vitest';
import { BufferedStream } from './buffered-stream.js';
import { DEFAULT_BUFFER_SIZE } from './constants.js';
import { BufferOverflowError, StreamClosedError } from './errors.js';
import { Stream } from './stream.js';
import { partialWriteSink } from './testing/sinks.js';
import { createStreamPair } from './testing/stream-pair.js';

describe('BufferedStream', () => {
  it('coalesces small writes until bufferSize, then passes one block on', () => {
    const sink = partialWriteSink(1024);
    const buffered = new BufferedStream(new Stream(sink), 8);
    expect(buffered.bufferSize).toBe(8);
    expect(buffered.write('abc')).toBe(3);
    expect(buffered.write('de')).toBe(2);
    expect(sink.deliveries).toEqual([]);
    expect(buffered.needsWrite()).toBe(true);
    buffered.write('fgh');
    expect(sink.deliveries.map(String)).toEqual(['abcdefgh']);
    expect(buffered.needsWrite()).toBe(false);
  });

  it('flushNow() passes on what was gathered', () => {
    const sink = partialWriteSink(1024);
    const buffered = new BufferedStream(new Stream(sink), 100);
    buffered.write('one');
    buffered.write('two');
    expect(buffered.flushNow()).toBe(6);
    expect(sink.deliveries.map(String)).toEqual(['onetwo']);
    expect(buffered.flushNow()).toBe(0);
  });

  it('flush() resolves once the gathered bytes reached the peer, through stacked layers', async () => {
    const [a, b] = createStreamPair({ maxBufferSize: 8, highWaterMark: 4 });
    const inner = new BufferedStream(a, 64);
    const outer = new BufferedStream(inner, 64);
    outer.write('request');
    expect(b.readyToRead()).toBe(false);
    await outer.flush();
    expect(outer.needsWrite()).toBe(false);
    expect((await b.readExactly(7)).toString()).toBe('request');
    // A block larger than the wrapped stream's bound waits for room instead of failing.
    outer.write('0123456789abcdef');
    const flushing = outer.flush();
    let text = '';
    while (text.length < 16) text += (await b.readExactly(1)).toString();
    await flushing;
    expect(text).toBe('0123456789abcdef');
  });

  it('passes a large write through after what was gathered, in order', () => {
    const sink = partialWriteSink(1024);
    const buffered = new BufferedStream(new Stream(sink), 4);
    buffered.write('ab');
    buffered.write('0123456789');
    buffered.write('z');
    buffered.flushNow();
    expect(sink.received.toString()).toBe('ab0123456789z');
  });

  it('defaults to DEFAULT_BUFFER_SIZE and rejects a bad size', () => {
    const [a] = createStreamPair();
    expect(new BufferedStream(a).bufferSize).toBe(DEFAULT_BUFFER_SIZE);
    expect(() => new BufferedStream(a, 0)).toThrow(RangeError);
  });

  it('a refused block loses nothing: the write fails and the gathered bytes stay', async () => {
    const [a, b] = createStreamPair({ maxBufferSize: 8, highWaterMark: 4 });
    const buffered = new BufferedStream(a, 8);
    const accepted: string[] = [];
    let refused: unknown;
    for (let i = 0; i < 50 && refused === undefined; i++) {
      const piece = String.fromCharCode(97 + (i % 26)).repeat(3);
      try {
        buffered.write(piece);
        accepted.push(piece);
      } catch (err) {
        refused = err;
      }
    }
    expect(refused).toBeInstanceOf(BufferOverflowError);
    const reading = (async () => {
      let text = '';
      for await (const chunk of b) text += chunk.toString();
      return text;
    })();
    await buffered.close();
    expect(await reading).toBe(accepted.join(''));
  });

  it('writeAll() and close() deliver everything; then calls fail with StreamClosedError', async () => {
    const [a, b] = createStreamPair({ maxBufferSize: 64, highWaterMark: 16 });
    const buffered = new BufferedStream(a, 10);
    const reading = (async () => {
      let text = '';
      for await (const chunk of b) text += chunk.toString();
      return text;
    })();
    const expected: string[] = [];
    for (let i = 0; i < 200; i++) {
      const piece = `${i},`;
      expected.push(piece);
      await buffered.writeAll(piece);
    }
    await buffered.writeAll('x'.repeat(100));
    await buffered.close();
    expect(buffered.closed).toBe(true);
    expect(await reading).toBe(`${expected.join('')}${'x'.repeat(100)}`);
    expect(() => buffered.write('late')).toThrow(StreamClosedError);
  });

  it('reads and readiness go to the wrapped stream', async () => {
    const [a, b] = createStreamPair();
    const buffered = new BufferedStream(b);
    expect(buffered.readyToRead()).toBe(false);
    a.write('hello');
    expect(await buffered.poll(1000)).toBe(true);
    expect((await buffered.readExactly(5)).toString()).toBe('hello');
    expect(buffered.fileno()).toBe(-1);
    await a.close();
    expect(await buffered.poll(1000)).toBe(true);
    expect(buffered.read()).toBeNull();
  });
});
