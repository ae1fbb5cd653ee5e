// A Noise HandshakeState (spec §5.3): runs one pattern's messages in turn, then splits into
// the two transport CipherStates. Pure protocol: bytes in, bytes out, no I/O, no timers.
import { assertKnownOptions, EncryptionError } from '@sluice/stream-core';
import { type CipherState, type NoiseCipher, TAG_LENGTH } from './cipher-state.js';
import { type NoisePattern, PATTERNS, type PatternSpec, type Token } from './patterns.js';
import { SymmetricState } from './symmetric-state.js';
import {
  DH_LENGTH,
  dh,
  generateEphemeral,
  type KeyPair,
  type LocalKey,
  localKey,
} from './x25519.js';

/** Noise's limit on any handshake or transport message, in bytes. */
export const MAX_NOISE_MESSAGE = 65_535;
/** Length in bytes of a pre-shared key. */
export const PSK_LENGTH = 32;

/** How to run one handshake. */
export interface HandshakeOptions {
  /** The handshake pattern: 'NNpsk0' (PSK), 'XX' (static keys) or 'XXpsk3' (both). */
  pattern: NoisePattern;
  /** The AEAD cipher. Default 'ChaChaPoly'. */
  cipher?: NoiseCipher;
  /** Whether this side sends the first message. */
  initiator: boolean;
  /** Bytes both sides must agree on (mixed into the handshake hash). Default empty. */
  prologue?: Uint8Array;
  /** The 32-byte pre-shared key; required by the psk patterns, refused by XX. */
  psk?: Uint8Array;
  /** This side's static X25519 key pair; required by XX and XXpsk3. */
  staticKeyPair?: KeyPair;
  /**
   * The peer's expected static public key. XX learns the peer's key during the handshake; when
   * this is given, a different key fails with reason 'peer-not-allowed'.
   */
  remoteStaticKey?: Uint8Array;
  /** A fixed ephemeral key pair, for test vectors only: never reuse one in production. */
  ephemeralKeyPair?: KeyPair;
}

/** The two transport CipherStates of a completed handshake, from this side's view. */
export interface TransportStates {
  /** Encrypts what this side sends. */
  send: CipherState;
  /** Decrypts what this side receives. */
  receive: CipherState;
}

const OPTION_NAMES: readonly string[] = [
  'pattern',
  'cipher',
  'initiator',
  'prologue',
  'psk',
  'staticKeyPair',
  'remoteStaticKey',
  'ephemeralKeyPair',
];

function checkBytes(value: unknown, name: string, length?: number): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (length !== undefined && value.length !== length)
    throw new RangeError(`${name} must be ${length} bytes, got ${value.length}`);
}

function checkKeyPair(value: unknown, name: string): asserts value is KeyPair {
  if (typeof value !== 'object' || value === null)
    throw new TypeError(`${name} must be { publicKey, privateKey }`);
  const pair = value as KeyPair;
  checkBytes(pair.publicKey, `${name}.publicKey`, DH_LENGTH);
  checkBytes(pair.privateKey, `${name}.privateKey`, DH_LENGTH);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** One Noise handshake, from one side. Call writeMessage/readMessage in turn until complete. */
export class Handshake {
  /** The full Noise protocol name, e.g. `Noise_NNpsk0_25519_ChaChaPoly_SHA256`. */
  readonly protocolName: string;
  readonly #spec: PatternSpec;
  readonly #initiator: boolean;
  readonly #symmetric: SymmetricState;
  readonly #psk: Uint8Array | undefined;
  readonly #s: LocalKey | undefined;
  readonly #expectedRemote: Uint8Array | undefined;
  #e: LocalKey | undefined;
  #re: Uint8Array | undefined;
  #rs: Uint8Array | undefined;
  #step = 0;
  #failed = false;
  #transport: [CipherState, CipherState] | undefined;

  constructor(options: HandshakeOptions) {
    if (typeof options !== 'object' || options === null)
      throw new TypeError('new Handshake(): options must be an object');
    assertKnownOptions(options, OPTION_NAMES, 'new Handshake()');
    const { pattern, cipher = 'ChaChaPoly', initiator, prologue = new Uint8Array(0) } = options;
    if (!Object.hasOwn(PATTERNS, pattern))
      throw new TypeError(
        `unknown Noise pattern ${String(pattern)} (expected NNpsk0, XX or XXpsk3)`,
      );
    if (cipher !== 'ChaChaPoly' && cipher !== 'AESGCM')
      throw new TypeError(`unknown Noise cipher ${String(cipher)} (expected ChaChaPoly or AESGCM)`);
    if (typeof initiator !== 'boolean') throw new TypeError('initiator must be a boolean');
    checkBytes(prologue, 'prologue');
    const spec = PATTERNS[pattern];
    if (spec.psk) checkBytes(options.psk, 'psk', PSK_LENGTH);
    else if (options.psk !== undefined)
      throw new TypeError(
        `pattern ${pattern} takes no psk (use XXpsk3 for a PSK with static keys)`,
      );
    if (spec.staticKeys) checkKeyPair(options.staticKeyPair, 'staticKeyPair');
    else if (options.staticKeyPair !== undefined)
      throw new TypeError(`pattern ${pattern} takes no staticKeyPair`);
    if (options.remoteStaticKey !== undefined) {
      if (!spec.staticKeys) throw new TypeError(`pattern ${pattern} takes no remoteStaticKey`);
      checkBytes(options.remoteStaticKey, 'remoteStaticKey', DH_LENGTH);
    }
    if (options.ephemeralKeyPair !== undefined)
      checkKeyPair(options.ephemeralKeyPair, 'ephemeralKeyPair');

    this.protocolName = `Noise_${pattern}_25519_${cipher}_SHA256`;
    this.#spec = spec;
    this.#initiator = initiator;
    this.#psk = options.psk && new Uint8Array(options.psk);
    this.#s = options.staticKeyPair && localKey(options.staticKeyPair);
    this.#e = options.ephemeralKeyPair && localKey(options.ephemeralKeyPair);
    this.#expectedRemote = options.remoteStaticKey && new Uint8Array(options.remoteStaticKey);
    this.#symmetric = new SymmetricState(this.protocolName, cipher);
    this.#symmetric.mixHash(prologue);
  }

  /** Whether the next call is writeMessage (true) or readMessage (false); false once complete. */
  get isMyTurn(): boolean {
    return !this.complete && this.#step % 2 === (this.#initiator ? 0 : 1);
  }

  /** Whether every handshake message has been written or read. */
  get complete(): boolean {
    return this.#step === this.#spec.messages.length;
  }

  /** The handshake hash, for channel binding; available once complete. */
  get handshakeHash(): Uint8Array {
    this.#requireComplete('handshakeHash');
    return this.#symmetric.handshakeHash;
  }

  /** The peer's static public key once received (XX patterns), else undefined. */
  get remoteStaticKey(): Uint8Array | undefined {
    return this.#rs && new Uint8Array(this.#rs);
  }

  /** Writes the next handshake message, carrying `payload` (encrypted once a key exists). */
  writeMessage(payload: Uint8Array = new Uint8Array(0)): Uint8Array {
    checkBytes(payload, 'payload');
    this.#requireTurn(true);
    const parts: Uint8Array[] = [];
    for (const token of this.#spec.messages[this.#step] as readonly Token[])
      this.#writeToken(token, parts);
    parts.push(this.#symmetric.encryptAndHash(payload));
    const message = Buffer.concat(parts);
    if (message.length > MAX_NOISE_MESSAGE)
      throw new RangeError(
        `handshake message would be ${message.length} bytes, over Noise's ${MAX_NOISE_MESSAGE}: send a smaller payload`,
      );
    this.#step += 1;
    return message;
  }

  /** Reads the peer's next handshake message; returns its payload. Any failure is final. */
  readMessage(message: Uint8Array): Uint8Array {
    checkBytes(message, 'message');
    this.#requireTurn(false);
    try {
      if (message.length > MAX_NOISE_MESSAGE)
        throw new EncryptionError(
          `handshake message of ${message.length} bytes is over Noise's ${MAX_NOISE_MESSAGE}`,
          { reason: 'malformed' },
        );
      let offset = 0;
      const take = (n: number, what: string): Uint8Array => {
        if (message.length - offset < n)
          throw new EncryptionError(
            `handshake message ${this.#step + 1} too short: ${what} needs ${n} bytes at offset ${offset}, ${message.length - offset} left`,
            { reason: 'malformed' },
          );
        const part = message.subarray(offset, offset + n);
        offset += n;
        return part;
      };
      for (const token of this.#spec.messages[this.#step] as readonly Token[])
        this.#readToken(token, take);
      const payload = this.#symmetric.decryptAndHash(message.subarray(offset));
      this.#step += 1;
      return payload;
    } catch (error) {
      this.#failed = true;
      throw error;
    }
  }

  /** The transport CipherStates (Noise Split()); available once complete. */
  split(): TransportStates {
    this.#requireComplete('split()');
    this.#transport ??= this.#symmetric.split();
    const [initiatorToResponder, responderToInitiator] = this.#transport;
    return this.#initiator
      ? { send: initiatorToResponder, receive: responderToInitiator }
      : { send: responderToInitiator, receive: initiatorToResponder };
  }

  #writeToken(token: Token, parts: Uint8Array[]): void {
    const sym = this.#symmetric;
    switch (token) {
      case 'e': {
        this.#e ??= generateEphemeral();
        parts.push(this.#e.publicKey);
        sym.mixHash(this.#e.publicKey);
        if (this.#spec.psk) sym.mixKey(this.#e.publicKey);
        return;
      }
      case 's':
        parts.push(sym.encryptAndHash((this.#s as LocalKey).publicKey));
        return;
      case 'psk':
        sym.mixKeyAndHash(this.#psk as Uint8Array);
        return;
      default:
        this.#mixDh(token);
    }
  }

  #readToken(token: Token, take: (n: number, what: string) => Uint8Array): void {
    const sym = this.#symmetric;
    switch (token) {
      case 'e': {
        const re = new Uint8Array(take(DH_LENGTH, 'the ephemeral key'));
        this.#re = re;
        sym.mixHash(re);
        if (this.#spec.psk) sym.mixKey(re);
        return;
      }
      case 's': {
        const sealed = take(DH_LENGTH + (sym.hasKey ? TAG_LENGTH : 0), 'the static key');
        const rs = sym.decryptAndHash(sealed);
        if (this.#expectedRemote && !sameBytes(rs, this.#expectedRemote))
          throw new EncryptionError("the peer's static key is not the expected remoteStaticKey", {
            reason: 'peer-not-allowed',
          });
        this.#rs = rs;
        return;
      }
      case 'psk':
        sym.mixKeyAndHash(this.#psk as Uint8Array);
        return;
      default:
        this.#mixDh(token);
    }
  }

  // ee, es, se, ss: which local key meets which remote key depends on the role (spec §5.3).
  #mixDh(token: Token): void {
    const e = this.#e as LocalKey;
    const s = this.#s as LocalKey;
    const re = this.#re as Uint8Array;
    const rs = this.#rs as Uint8Array;
    const init = this.#initiator;
    let shared: Uint8Array;
    if (token === 'ee') shared = dh(e.privateKey, re);
    else if (token === 'es') shared = init ? dh(e.privateKey, rs, true) : dh(s.privateKey, re);
    else if (token === 'se') shared = init ? dh(s.privateKey, re) : dh(e.privateKey, rs, true);
    else shared = dh(s.privateKey, rs, true);
    this.#symmetric.mixKey(shared);
  }

  #requireTurn(writing: boolean): void {
    if (this.#failed)
      throw new EncryptionError('the handshake already failed; start a new one', {
        reason: 'malformed',
      });
    if (this.complete)
      throw new EncryptionError('the handshake is complete: use split() for transport messages');
    if (this.isMyTurn !== writing)
      throw new EncryptionError(
        writing
          ? `handshake message ${this.#step + 1} is the peer's to send: call readMessage()`
          : `handshake message ${this.#step + 1} is ours to send: call writeMessage()`,
      );
  }

  #requireComplete(what: string): void {
    if (!this.complete)
      throw new EncryptionError(`${what} is available only after the handshake completes`);
  }
}
