// Fuzz and property tests of the URL parser's public entries: whatever the input, a typed
// ConnectError or a result, never another error (issue 17's fuzz acceptance point), and the
// structured parts (unix paths, ssh:// URLs, command lines) round-trip (issue 12).
import { ConnectError } from '@sluice/stream-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParameters } from './compliance/fuzz.js';
import { parseSshUrl, parseTransportUrl, splitCommand, unixPath } from './url-parse.js';

/** Runs `parse`; anything thrown must be a ConnectError. */
function typedOrResult(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch (error) {
    if (error instanceof ConnectError) return true;
    throw error;
  }
}

const SCHEMES = ['tcp:', 'tls:', 'unix:', 'ws:', 'wss:', 'ssh:', 'exec:', 'http:', ''];
/** Characters URLs break on: %-escapes (good and bad), brackets, separators, NUL, unicode. */
const nasty = fc.string({
  unit: fc.constantFrom(
    ...'%zZ09aF/@:[]?#\\ \'"\t\0é€',
    '%2F',
    '%00',
    '%E2%82',
    '%%',
    '//',
    '[::1]',
    '65536',
  ),
  maxLength: 40,
});

describe('URL parser fuzz', () => {
  it('parseTransportUrl: any string gives a result or a ConnectError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (raw) =>
        typedOrResult(() => parseTransportUrl(raw)),
      ),
      fuzzParameters(),
    );
  });

  it('parseTransportUrl: scheme-shaped strings with hostile parts', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SCHEMES),
        fc.constantFrom('', '//', '///', '@'),
        nasty,
        fc.boolean(),
        (scheme, lead, rest, required) =>
          typedOrResult(() => parseTransportUrl(scheme + lead + rest, required)),
      ),
      fuzzParameters(),
    );
  });

  it('unixPath and parseSshUrl: hostile parts give a result or a ConnectError', () => {
    fc.assert(
      fc.property(nasty, nasty, (a, b) => {
        typedOrResult(() => unixPath(`unix:${a}`));
        typedOrResult(() => unixPath(`unix://${a}/${b}`));
        typedOrResult(() => parseSshUrl(`ssh://${a}@host/${b}:22`));
        return typedOrResult(() => parseSshUrl(`ssh://u@${a}/${b}`));
      }),
      fuzzParameters(),
    );
  });
});

describe('URL parser properties', () => {
  const segment = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !s.includes('\0'));

  it('unix:///<encoded absolute path> gives the path back', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (segments) => {
        const path = `/${segments.join('/')}`;
        const url = `unix://${path.split('/').map(encodeURIComponent).join('/')}`;
        expect(unixPath(url)).toBe(path);
      }),
      fuzzParameters(),
    );
  });

  it('parseSshUrl reads back the parts an ssh:// URL was built from', () => {
    const host = fc.oneof(
      fc.domain(),
      fc.ipV4(),
      fc.ipV6().map((ip) => `[${ip}]`),
    );
    const port = fc.integer({ min: 1, max: 65535 });
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 10 }),
        host,
        port,
        host,
        port,
        (user, h, p, th, tp) => {
          const url = `ssh://${encodeURIComponent(user)}@${h}:${p}/${th}:${tp}`;
          const parsed = parseSshUrl(url);
          expect(parsed.username).toBe(user);
          expect(parsed.port).toBe(p);
          expect(parsed.target.port).toBe(tp);
          // IPv6 comes back without brackets (and as the URL parser normalises it).
          if (!h.startsWith('[')) expect(parsed.host).toBe(new URL(`ssh://${h}`).hostname);
          if (!th.startsWith('[')) expect(parsed.target.host).toBe(th);
        },
      ),
      fuzzParameters(),
    );
  });

  it('splitCommand undoes shell-style single quoting of any argv', () => {
    const quote = (arg: string): string => `'${arg.replaceAll("'", `'\\''`)}'`;
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 12 }), { maxLength: 6 }),
        fc.constantFrom(' ', '  ', '\t'),
        (argv, gap) => {
          expect(splitCommand(argv.map(quote).join(gap))).toEqual(argv);
        },
      ),
      fuzzParameters(),
    );
  });

  it('splitCommand: any string gives words or a ConnectError (an open quote)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (line) => typedOrResult(() => splitCommand(line))),
      fuzzParameters(),
    );
  });
});
