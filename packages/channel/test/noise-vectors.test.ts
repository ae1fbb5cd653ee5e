// Conformance: the cacophony test vectors (Noise wiki JSON format) reproduce byte for byte —
// every handshake message, the handshake hash, and the transport messages after it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type CipherState,
  Handshake,
  keyPairFromPrivateKey,
  type NoiseCipher,
  type NoisePattern,
} from '../src/noise/index.js';

// The vectors live in ../shared beside the repository root (the clone), here and in CI.
const VECTORS = fileURLToPath(
  new URL('../../../../shared/vectors/noise-25519-sha256.json', import.meta.url),
);
const PATTERNS: readonly NoisePattern[] = ['NNpsk0', 'XX', 'XXpsk3'];
const CIPHERS: readonly NoiseCipher[] = ['ChaChaPoly', 'AESGCM'];
// 3 patterns x 2 ciphers; the file holds one vector for each.
const MIN_CHECKED = 6;

interface Vector {
  protocol_name: string;
  init_prologue: string;
  init_psks?: string[];
  init_static?: string;
  init_ephemeral: string;
  init_remote_static?: string;
  resp_prologue: string;
  resp_psks?: string[];
  resp_static?: string;
  resp_ephemeral: string;
  resp_remote_static?: string;
  handshake_hash: string;
  messages: { payload: string; ciphertext: string }[];
}

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function parseName(name: string): { pattern: NoisePattern; cipher: NoiseCipher } | undefined {
  const m = /^Noise_([A-Za-z0-9]+)_25519_(ChaChaPoly|AESGCM)_SHA256$/.exec(name);
  if (!m) return undefined;
  const pattern = m[1] as NoisePattern;
  const cipher = m[2] as NoiseCipher;
  return PATTERNS.includes(pattern) && CIPHERS.includes(cipher) ? { pattern, cipher } : undefined;
}

function side(
  v: Vector,
  initiator: boolean,
  pattern: NoisePattern,
  cipher: NoiseCipher,
): Handshake {
  const p = initiator ? 'init' : 'resp';
  const get = (k: string): string | undefined =>
    (v as unknown as Record<string, string>)[`${p}_${k}`];
  const psks = initiator ? v.init_psks : v.resp_psks;
  const s = get('static');
  const rs = get('remote_static');
  return new Handshake({
    pattern,
    cipher,
    initiator,
    prologue: hex(get('prologue') ?? ''),
    ...(psks?.[0] ? { psk: hex(psks[0]) } : {}),
    ...(s ? { staticKeyPair: keyPairFromPrivateKey(hex(s)) } : {}),
    ...(rs ? { remoteStaticKey: hex(rs) } : {}),
    ephemeralKeyPair: keyPairFromPrivateKey(hex(get('ephemeral') as string)),
  });
}

function loadVectors(): Vector[] {
  // Never skip: a missing file is a failure with a message saying where it was looked for.
  const text = readFileSync(VECTORS, 'utf8');
  return (JSON.parse(text) as { vectors: Vector[] }).vectors;
}

describe('Noise conformance (cacophony vectors)', () => {
  it('finds the vector file', () => {
    expect(() => loadVectors(), `expected the vectors at ${VECTORS}`).not.toThrow();
  });

  it('reproduces every implemented vector byte for byte', () => {
    const checked: string[] = [];
    for (const v of loadVectors()) {
      const parsed = parseName(v.protocol_name);
      if (!parsed) continue;
      const { pattern, cipher } = parsed;
      const init = side(v, true, pattern, cipher);
      const resp = side(v, false, pattern, cipher);
      expect(init.protocolName).toBe(v.protocol_name);
      let i = 0;
      for (; !init.complete; i += 1) {
        const msg = v.messages[i];
        if (!msg) throw new Error(`${v.protocol_name}: vector ends inside the handshake`);
        const [writer, reader] = init.isMyTurn ? [init, resp] : [resp, init];
        const wire = writer.writeMessage(hex(msg.payload));
        expect(toHex(wire), `${v.protocol_name} handshake message ${i}`).toBe(msg.ciphertext);
        expect(toHex(reader.readMessage(wire))).toBe(msg.payload);
      }
      expect(resp.complete).toBe(true);
      expect(toHex(init.handshakeHash), `${v.protocol_name} handshake hash`).toBe(v.handshake_hash);
      expect(toHex(resp.handshakeHash)).toBe(v.handshake_hash);
      const a = init.split();
      const b = resp.split();
      let transport = 0;
      // Transport messages keep alternating, the initiator on even indexes.
      for (; i < v.messages.length; i += 1) {
        const msg = v.messages[i] as { payload: string; ciphertext: string };
        const [send, receive]: CipherState[] =
          i % 2 === 0 ? [a.send, b.receive] : [b.send, a.receive];
        const wire = (send as CipherState).encrypt(new Uint8Array(0), hex(msg.payload));
        expect(toHex(wire), `${v.protocol_name} transport message ${i}`).toBe(msg.ciphertext);
        expect(toHex((receive as CipherState).decrypt(new Uint8Array(0), wire))).toBe(msg.payload);
        transport += 1;
      }
      expect(transport, `${v.protocol_name} transport messages`).toBeGreaterThan(0);
      checked.push(v.protocol_name);
    }
    expect(checked.length).toBeGreaterThanOrEqual(MIN_CHECKED);
    for (const pattern of PATTERNS)
      for (const cipher of CIPHERS)
        expect(checked).toContain(`Noise_${pattern}_25519_${cipher}_SHA256`);
  });
});
