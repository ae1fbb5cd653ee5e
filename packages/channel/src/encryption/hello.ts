// The hello each side sends before the Noise handshake: what it speaks (wire version,
// pattern, cipher, the compression it sends), its wish for a role, and 32 random bytes that
// settle the roles when neither side insists. A mismatch fails with a message naming both
// sides; and both hellos are the Noise prologue, so a hello altered on the way (a downgrade)
// fails the handshake.
import { randomBytes } from 'node:crypto';
import { EncryptionError } from '@sluice/stream-core';
import type { CompressionAlgorithm } from '../compression.js';
import type { NoiseCipher, NoisePattern } from '../noise/index.js';
import { WIRE_VERSION } from '../wire/constants.js';

/** What one side says in its hello. */
export interface Hello {
  wireVersion: number;
  pattern: NoisePattern;
  cipher: NoiseCipher;
  compression: CompressionAlgorithm | 'none';
  role: 'initiator' | 'responder' | undefined;
  tieBreak: Uint8Array;
}

const HELLO_SIZE = 5 + 32;
const PATTERNS: readonly NoisePattern[] = ['NNpsk0', 'XX', 'XXpsk3'];
const CIPHERS: readonly NoiseCipher[] = ['ChaChaPoly', 'AESGCM'];
const COMPRESSIONS: readonly Hello['compression'][] = ['none', 'deflate', 'brotli', 'zstd'];
const ROLES: readonly Hello['role'][] = [undefined, 'initiator', 'responder'];
/** The label that starts the prologue: this protocol and nothing else. */
const PROLOGUE_LABEL = new TextEncoder().encode('sluice channel, wire version 2\n');

/** This side's hello, with fresh random bytes. */
export function makeHello(o: Omit<Hello, 'tieBreak' | 'wireVersion'>): Hello {
  return { ...o, wireVersion: WIRE_VERSION, tieBreak: randomBytes(32) };
}

/** The hello as bytes (a control frame's body). */
export function encodeHello(h: Hello): Uint8Array {
  const out = new Uint8Array(HELLO_SIZE);
  out[0] = h.wireVersion;
  out[1] = PATTERNS.indexOf(h.pattern);
  out[2] = CIPHERS.indexOf(h.cipher);
  out[3] = COMPRESSIONS.indexOf(h.compression);
  out[4] = ROLES.indexOf(h.role);
  out.set(h.tieBreak, 5);
  return out;
}

/** The peer's hello; `EncryptionError` ('malformed' / 'version-mismatch') when it is not one. */
export function decodeHello(body: Uint8Array): Hello {
  if (body.length !== HELLO_SIZE) {
    throw new EncryptionError(`a hello is ${HELLO_SIZE} bytes, got ${body.length}`, {
      reason: 'malformed',
    });
  }
  const pattern = PATTERNS[body[1]!];
  const cipher = CIPHERS[body[2]!];
  const compression = COMPRESSIONS[body[3]!];
  if (body[0] !== WIRE_VERSION || !pattern || !cipher || !compression || body[4]! > 2) {
    throw new EncryptionError(
      `the peer's hello names wire version ${body[0]}, pattern ${body[1]}, cipher ${body[2]}, compression ${body[3]}: not a version ${WIRE_VERSION} sluice channel this side understands`,
      { reason: 'version-mismatch' },
    );
  }
  return {
    wireVersion: body[0]!,
    pattern,
    cipher,
    compression,
    role: ROLES[body[4]!],
    tieBreak: body.slice(5),
  };
}

/** Whether this side initiates, given both hellos; `EncryptionError` when they disagree. */
export function settleRoles(mine: Hello, theirs: Hello): boolean {
  // Compression may differ: each side says what it sends, and reads any algorithm (as a
  // plain channel does). Both hellos are in the prologue all the same, so none is altered.
  const describe = (h: Hello): string => `${h.pattern} with ${h.cipher}`;
  if (mine.pattern !== theirs.pattern || mine.cipher !== theirs.cipher) {
    throw new EncryptionError(
      `the peer's channel options differ: it uses ${describe(theirs)}, this side ${describe(mine)}. Both sides need the same kind of key (pre-shared, static, or both) and cipher`,
      { reason: 'version-mismatch' },
    );
  }
  if (mine.role !== undefined && theirs.role !== undefined) {
    if (mine.role === theirs.role) {
      throw new EncryptionError(`both sides asked for the role '${mine.role}'`, {
        reason: 'version-mismatch',
      });
    }
    return mine.role === 'initiator';
  }
  if (mine.role !== undefined) return mine.role === 'initiator';
  if (theirs.role !== undefined) return theirs.role === 'responder';
  const order = Buffer.compare(mine.tieBreak, theirs.tieBreak);
  if (order === 0) {
    // 2^-256: only a peer that echoes our own hello (a reflection) gets here.
    throw new EncryptionError('the peer sent this side its own hello back', {
      reason: 'malformed',
    });
  }
  return order > 0;
}

/** The Noise prologue: the label and both hellos, the initiator's first. */
export function prologueOf(initiator: Uint8Array, responder: Uint8Array): Uint8Array {
  return Buffer.concat([PROLOGUE_LABEL, initiator, responder]);
}
