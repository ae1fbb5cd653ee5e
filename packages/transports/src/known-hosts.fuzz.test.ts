// Fuzz and property tests of the known_hosts parser: any file text, any pin, any key blob
// gives a verdict and never an error or a hang; entries written the way ssh-keygen writes
// them (plain, [host]:port, hashed) trust exactly their key.
import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParameters } from './compliance/fuzz.js';
import {
  checkFingerprint,
  checkKnownHosts,
  knownHostsName,
  preferredHostKeyAlgorithms,
} from './known-hosts.js';

/** An SSH public key blob: string type, then `body` (not a valid key, but shaped as one). */
function blob(type: string, body: Uint8Array): Buffer {
  const t = Buffer.from(type);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(t.length);
  return Buffer.concat([length, t, body]);
}

const token = fc.oneof(
  fc.constantFrom(
    '@revoked',
    '@cert-authority',
    '|1|',
    '|',
    '*',
    '?',
    '!',
    '[',
    ']:',
    ',',
    '#',
    '==',
  ),
  fc.constantFrom('ssh-ed25519', 'ssh-rsa', 'AAAA', 'localhost', '127.0.0.1', '[127.0.0.1]:2222'),
  fc.string({ maxLength: 12 }),
  fc.base64String({ maxLength: 40 }),
);
const line = fc
  .tuple(fc.array(token, { maxLength: 6 }), fc.constantFrom(' ', '\t', '  '))
  .map(([tokens, gap]) => tokens.join(gap));
const file = fc.array(line, { maxLength: 8 }).map((lines) => lines.join('\n'));
const keyBlob = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.uint8Array({ minLength: 1, maxLength: 48 }).map((body) => blob('ssh-ed25519', body)),
);
const host = fc.oneof(fc.domain(), fc.ipV4(), fc.string({ maxLength: 20 }));
const port = fc.oneof(fc.constant(22), fc.integer({ min: 1, max: 65535 }));

describe('known_hosts fuzz', () => {
  it('any text, host, port and key give a verdict, never an error', () => {
    fc.assert(
      fc.property(
        fc.oneof(file, fc.string({ maxLength: 200 })),
        host,
        port,
        keyBlob,
        (text, h, p, key) => {
          const verdict = checkKnownHosts(text, h, p, key);
          expect(typeof verdict.ok).toBe('boolean');
          const algorithms = preferredHostKeyAlgorithms(text, h, p);
          expect(algorithms === undefined || Array.isArray(algorithms)).toBe(true);
        },
      ),
      fuzzParameters(),
    );
  });

  it('any pinned fingerprint gives a verdict, never an error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), keyBlob, (pin, key) => {
        expect(typeof checkFingerprint(pin, 'h', 22, key).ok).toBe('boolean');
      }),
      fuzzParameters(),
    );
  });

  it('a pattern of many wildcards against a long name answers at once', () => {
    const pattern = `${'*a'.repeat(40)}*b`;
    const started = performance.now();
    const verdict = checkKnownHosts(
      `${pattern} ssh-ed25519 AAAA`,
      'a'.repeat(250),
      22,
      blob('ssh-ed25519', randomBytes(32)),
    );
    expect(verdict.ok).toBe(false);
    // A backtracking regular expression takes longer than the universe's age here.
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('known_hosts properties', () => {
  const hostname = fc.oneof(fc.domain(), fc.ipV4());

  it('an entry for host:port trusts its key, refuses another of its type, and nothing else matches', () => {
    fc.assert(
      fc.property(hostname, port, fc.boolean(), (h, p, hashed) => {
        const key = blob('ssh-ed25519', randomBytes(32));
        const other = blob('ssh-ed25519', randomBytes(32));
        const name = knownHostsName(h, p);
        const salt = randomBytes(20);
        const patterns = hashed
          ? `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`
          : name;
        const text = `# comment\n${patterns} ssh-ed25519 ${key.toString('base64')} user@host\n`;
        expect(checkKnownHosts(text, h, p, key)).toEqual({ ok: true });
        const wrong = checkKnownHosts(text, h, p, other);
        expect(wrong.ok === false && wrong.reason).toBe('mismatch');
        // Another port of the same host is another name.
        const elsewhere = checkKnownHosts(text, h, p === 22 ? 2222 : 22, key);
        expect(elsewhere.ok === false && elsewhere.reason).toBe('unknown');
        expect(preferredHostKeyAlgorithms(text, h, p)?.[0]).toBe('ssh-ed25519');
      }),
      fuzzParameters(200),
    );
  });

  it('a negated pattern wins over a wildcard that matches', () => {
    fc.assert(
      fc.property(hostname, (h) => {
        const key = blob('ssh-ed25519', randomBytes(32));
        const text = `*,!${h} ssh-ed25519 ${key.toString('base64')}`;
        const verdict = checkKnownHosts(text, h, 22, key);
        expect(verdict.ok === false && verdict.reason).toBe('unknown');
        expect(checkKnownHosts(text, `x${h}`, 22, key)).toEqual({ ok: true });
      }),
      fuzzParameters(200),
    );
  });
});
