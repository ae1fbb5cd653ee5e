import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DetachMatcher } from './detach-matcher.js';

const P = 16;
const Q = 17;
const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

function feed(keys: Uint8Array, chunks: Uint8Array[]): { out: number[]; detached: boolean } {
  const m = new DetachMatcher(keys);
  const out: number[] = [];
  for (const c of chunks) {
    const r = m.push(c);
    out.push(...r.forward);
    if (r.detached) return { out, detached: true };
  }
  return { out, detached: false };
}

// The moby/term semantics, byte at a time, as the reference states them.
function reference(keys: Uint8Array, input: number[]): { out: number[]; detached: boolean } {
  const out: number[] = [];
  let pos = 0;
  for (const b of input) {
    if (b === keys[pos]) {
      if (pos === keys.length - 1) return { out, detached: true };
      pos++;
    } else {
      out.push(...keys.slice(0, pos), b);
      pos = 0;
    }
  }
  return { out, detached: false };
}

describe('DetachMatcher', () => {
  it('swallows ctrl-p ctrl-q and detaches', () => {
    expect(feed(bytes(P, Q), [bytes(97, P), bytes(Q, 98)])).toEqual({ out: [97], detached: true });
  });

  it('holds a matching prefix back with no timeout', () => {
    const m = new DetachMatcher(bytes(P, Q));
    expect([...m.push(bytes(P)).forward]).toEqual([]);
    expect(m.pending).toBe(1);
  });

  it('^P ^P ^Q does not detach: the mismatching byte is not re-tested as a new start', () => {
    expect(feed(bytes(P, Q), [bytes(P), bytes(P), bytes(Q)])).toEqual({
      out: [P, P, Q],
      detached: false,
    });
  });

  it('releases the held prefix with the mismatching byte', () => {
    expect(feed(bytes(1, 120), [bytes(1), bytes(65)])).toEqual({ out: [1, 65], detached: false });
  });

  it('flush() gives back a prefix held at end of input', () => {
    const m = new DetachMatcher(bytes(P, Q));
    m.push(bytes(97, P));
    expect([...m.flush()]).toEqual([P]);
    expect(m.pending).toBe(0);
  });

  it('forwards everything when the keys are empty', () => {
    expect(feed(bytes(), [bytes(P, Q)])).toEqual({ out: [P, Q], detached: false });
  });

  it('matches the byte-at-a-time semantics for any input and any chunking', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 3, min: 0, max: 4 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 64 }),
        fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 64 }),
        (keys, input, splits) => {
          const chunks: Uint8Array[] = [];
          let i = 0;
          for (const n of splits) {
            if (i >= input.length) break;
            chunks.push(Uint8Array.from(input.slice(i, i + n)));
            i += n;
          }
          if (i < input.length) chunks.push(Uint8Array.from(input.slice(i)));
          expect(feed(keys, chunks)).toEqual(reference(keys, input));
        },
      ),
      { numRuns: 500, interruptAfterTimeLimit: 5000 },
    );
  });
});
