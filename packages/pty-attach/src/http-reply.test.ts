// The engine HTTP reply parser: a property test (any reply, in any encoding, split anywhere,
// parses as it does in one piece; the bytes after a 101 are kept exactly) and a fuzz pass
// (random bytes in random splits end in a result or a typed error of the family, never
// anything else). Fixed seed and a time budget for `npm test`; `FUZZ_RUNS=N` runs N cases.
import { StreamError } from '@sluice/stream-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_REPLY_BODY, ReplyParser } from './http-reply.js';
import { endUpgrade, feedUpgrade } from './upgrade-reply.js';

const SEED = 0x0d0c_4e2;
const FUZZ_RUNS = process.env.FUZZ_RUNS === undefined ? undefined : Number(process.env.FUZZ_RUNS);
function budget(numRuns: number, ms: number): fc.Parameters<unknown> {
  return FUZZ_RUNS === undefined
    ? { seed: SEED, numRuns, interruptAfterTimeLimit: ms }
    : { seed: SEED, numRuns: FUZZ_RUNS };
}

/** `bytes` cut at `cuts` (offsets taken modulo the length). */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % bytes.length)))].sort(
    (a, b) => a - b,
  );
  const parts: Buffer[] = [];
  let from = 0;
  for (const c of at) {
    parts.push(bytes.subarray(from, c));
    from = c;
  }
  parts.push(bytes.subarray(from));
  return parts;
}

const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/);
const value = fc.stringMatching(/^[ -~]{0,40}$/).map((v) => v.trim());
const body = fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b));

type Encoding = 'length' | 'chunked' | 'close';
const reply = fc.record({
  // 204 and 304 have no body by definition.
  status: fc.integer({ min: 200, max: 599 }).filter((n) => n !== 204 && n !== 304),
  headers: fc
    .array(fc.tuple(token, value), { maxLength: 6 })
    .map((hs) => hs.filter(([k]) => !/^(content-length|transfer-encoding)$/i.test(k))),
  body,
  encoding: fc.constantFrom<Encoding>('length', 'chunked', 'close'),
  chunkSizes: fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 }),
});

type Reply = typeof reply extends fc.Arbitrary<infer T> ? T : never;

function encode(r: Reply): Buffer {
  const lines = [`HTTP/1.1 ${r.status} Whatever`, ...r.headers.map(([k, v]) => `${k}: ${v}`)];
  if (r.encoding === 'length') lines.push(`Content-Length: ${r.body.length}`);
  if (r.encoding === 'chunked') lines.push('Transfer-Encoding: chunked');
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  if (r.encoding !== 'chunked') return Buffer.concat([head, r.body]);
  const parts: Buffer[] = [head];
  let at = 0;
  let i = 0;
  while (at < r.body.length) {
    const n = Math.min(r.chunkSizes[i++ % r.chunkSizes.length]!, r.body.length - at);
    parts.push(
      Buffer.from(`${n.toString(16)}\r\n`),
      r.body.subarray(at, at + n),
      Buffer.from('\r\n'),
    );
    at += n;
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

describe('ReplyParser', () => {
  it('any reply, in any encoding, split anywhere: the status, headers and body sent', () => {
    fc.assert(
      fc.property(reply, fc.array(fc.nat(), { maxLength: 30 }), (r, cuts) => {
        const parser = new ReplyParser();
        for (const part of split(encode(r), cuts)) parser.push(part);
        if (r.encoding === 'close') parser.end();
        expect(parser.done).toBe(true);
        expect(parser.head?.status).toBe(r.status);
        for (const [k, v] of r.headers) {
          const last = r.headers.filter(([k2]) => k2.toLowerCase() === k.toLowerCase()).at(-1);
          expect(parser.head?.headers.get(k.toLowerCase())).toBe(last?.[1] ?? v);
        }
        expect(parser.body.equals(r.body)).toBe(true);
      }),
      budget(300, 5000),
    );
  });

  it('a 101 keeps every byte after the head, split anywhere', () => {
    fc.assert(
      fc.property(body, fc.array(fc.nat(), { maxLength: 20 }), (rest, cuts) => {
        const bytes = Buffer.concat([
          Buffer.from('HTTP/1.1 101 UPGRADED\r\nUpgrade: tcp\r\n\r\n'),
          rest,
        ]);
        const parser = new ReplyParser();
        const parts = split(bytes, cuts);
        let upgraded: ReturnType<typeof feedUpgrade>;
        let after: Buffer[] = [];
        for (const part of parts) {
          if (upgraded) after.push(part);
          else upgraded = feedUpgrade(parser, part);
        }
        expect(upgraded).toBeDefined();
        after = [upgraded!.rest, ...after];
        expect(Buffer.concat(after).equals(rest)).toBe(true);
      }),
      budget(300, 5000),
    );
  });

  it('a body past the cap fails with BufferOverflowError, keeping no more than the cap', () => {
    const parser = new ReplyParser({ maxBody: 1000 });
    parser.push(Buffer.from('HTTP/1.1 500 X\r\nTransfer-Encoding: chunked\r\n\r\n'));
    expect(() => {
      for (let i = 0; i < 100; i++) parser.push(Buffer.from(`64\r\n${'y'.repeat(100)}\r\n`));
    }).toThrow(/longer than 1000 bytes/);
    expect(parser.body.length).toBe(1000);
    expect(MAX_REPLY_BODY).toBe(1024 * 1024);
  });
});

describe('engine reply fuzzing', () => {
  const noise = fc.oneof(
    fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)),
    // Mostly-HTTP: a real reply with random bytes spliced in.
    fc.tuple(reply, fc.uint8Array({ maxLength: 64 }), fc.nat()).map(([r, junk, at]) => {
      const bytes = encode(r);
      const i = bytes.length === 0 ? 0 : at % bytes.length;
      return Buffer.concat([bytes.subarray(0, i), Buffer.from(junk), bytes.subarray(i)]);
    }),
  );

  it('random replies in random splits end in a result or a typed error, never another error', () => {
    fc.assert(
      fc.property(noise, fc.array(fc.nat(), { maxLength: 20 }), (bytes, cuts) => {
        const parser = new ReplyParser();
        try {
          for (const part of split(bytes, cuts)) if (feedUpgrade(parser, part)) return;
          endUpgrade(parser);
        } catch (error) {
          if (!(error instanceof StreamError)) throw error;
        }
      }),
      budget(3000, 8000),
    );
  });
});
