/**
 * The Noise Protocol Framework (revision 34) engine of `@sluice/channel`: the patterns
 * NNpsk0, XX and XXpsk3 over X25519, ChaChaPoly or AESGCM, and SHA256, built on Node's own
 * crypto. Pure protocol: it turns bytes into bytes and does no I/O.
 *
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
 * import { Handshake } from './noise/index.js';
 *
 * const psk = randomBytes(32);
 * const alice = new Handshake({ pattern: 'NNpsk0', initiator: true, psk });
 * const bob = new Handshake({ pattern: 'NNpsk0', initiator: false, psk });
 * bob.readMessage(alice.writeMessage());
 * alice.readMessage(bob.writeMessage());
 * const record = alice.split().send.encrypt(new Uint8Array(0), new TextEncoder().encode('hi'));
 * bob.split().receive.decrypt(new Uint8Array(0), record); // 'hi'
 * ```
 * @packageDocumentation
 */

export {
  CipherState,
  KEY_LENGTH,
  MAX_NONCE,
  type NoiseCipher,
  TAG_LENGTH,
} from './cipher-state.js';
export {
  Handshake,
  type HandshakeOptions,
  MAX_NOISE_MESSAGE,
  PSK_LENGTH,
  type TransportStates,
} from './handshake-state.js';
export type { NoisePattern } from './patterns.js';
export { DH_LENGTH, generateKeyPair, type KeyPair, keyPairFromPrivateKey } from './x25519.js';
