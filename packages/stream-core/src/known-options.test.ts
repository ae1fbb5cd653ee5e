import { describe, expect, it } from 'vitest';
import { BufferedStream, Pump, Stream } from './index.js';
import { assertKnownOptions } from './known-options.js';
import { createStreamPair } from './testing/index.js';

describe('unknown options are refused by name', () => {
  it('names every unknown key, and the known ones', () => {
    expect(() => assertKnownOptions({ a: 1, bee: 2, c: 3 }, ['a'], 'f()')).toThrow(
      new TypeError("f(): unknown options 'bee', 'c' (known: a)"),
    );
    expect(() => assertKnownOptions(undefined, ['a'], 'f()')).not.toThrow();
    expect(() => assertKnownOptions(5, ['a'], 'f()')).toThrow(TypeError);
  });

  it('new Stream(), new Pump() refuse a misspelt option (as a JavaScript caller writes it)', () => {
    const [a, b] = createStreamPair();
    const loose = (o: object): never => o as never;
    expect(() => new Stream(a.underlying, loose({ maxBuferSize: 10 }))).toThrow(/'maxBuferSize'/);
    expect(() => new Pump(a, b, loose({ propagateClosed: false }))).toThrow(/'propagateClosed'/);
    expect(() => new Pump(a, b, { propagateClose: false })).not.toThrow();
    expect(() => new BufferedStream(a, 1024)).not.toThrow();
    a.destroy();
    b.destroy();
  });
});
