// One encrypted channel's security state: the hello exchange, the Noise handshake, and then
// the record layer (seal each frame, open each frame, rekey, authenticated close). It turns
// control frames into state changes synchronously, inside the frame decoder's walk, so that
// a completed handshake or a rekey applies to the very next frame of the same chunk. It does
// no I/O of its own: the channel gives it a way to write control frames and to fail.
import { EncryptionError, type EncryptionFailure } from '@sluice/stream-core';
import { type CipherState, Handshake, MAX_NONCE } from '../noise/index.js';
import {
  CONTROL_ALERT,
  CONTROL_CLOSE,
  CONTROL_HANDSHAKE,
  CONTROL_HELLO,
  CONTROL_REKEY,
} from '../wire/constants.js';
import type { OpenRecord } from '../wire/frame-decoder.js';
import { encodeControlFrame, encodeFrames, type SealRecord } from '../wire/header.js';
import {
  decodeHello,
  encodeHello,
  type Hello,
  makeHello,
  prologueOf,
  settleRoles,
} from './hello.js';
import type { EncryptConfig } from './options.js';
import { classifyFailure } from './replay-probe.js';

/** What a session needs from its channel. */
export interface SessionHost {
  /** Writes a control frame now, ahead of anything queued (the handshake's frames). */
  writeControl(frame: Uint8Array): void;
  /** Opens records from now on. */
  installOpener(open: OpenRecord): void;
  /** The session failed: the channel records `error` and closes. */
  fail(error: Error): void;
}

type Phase = 'idle' | 'hello' | 'handshake' | 'open' | 'failed';

// Alert reasons on the wire: the index of the failure in this list.
const REASONS: readonly EncryptionFailure[] = [
  'bad-key',
  'tampered',
  'replayed',
  'truncated',
  'handshake-timeout',
  'nonce-exhausted',
  'peer-not-allowed',
  'malformed',
  'version-mismatch',
];
const allocate = (size: number): Uint8Array => Buffer.allocUnsafe(size);
const EMPTY = new Uint8Array(0);

/** The handshake and record layer of one encrypted channel. */
export class SecureSession {
  /** Resolves once the handshake completed; rejects with its failure. */
  readonly ready: Promise<void>;
  #resolve!: () => void;
  #reject!: (error: Error) => void;
  readonly #config: EncryptConfig;
  readonly #host: SessionHost;
  readonly #hello: Hello;
  readonly #helloBytes: Uint8Array;
  #phase: Phase = 'idle';
  #handshake: Handshake | undefined;
  #send: CipherState | undefined;
  #receive: CipherState | undefined;
  #hash: Uint8Array | undefined;
  #remoteKey: Uint8Array | undefined;
  #peerChecked = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #peerClosed = false;
  // Sending key's use since the last rekey.
  #records = 0;
  #bytes = 0;
  #keyBorn = 0;

  constructor(config: EncryptConfig, compression: Hello['compression'], host: SessionHost) {
    this.#config = config;
    this.#host = host;
    this.#hello = makeHello({
      pattern: config.pattern,
      cipher: config.cipher,
      compression,
      role: config.role,
    });
    this.#helloBytes = encodeHello(this.#hello);
    this.ready = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.ready.catch(() => {}); // reported through the channel's calls
  }

  /** True once the handshake completed (and the session has not failed). */
  get established(): boolean {
    return this.#phase === 'open';
  }

  /** True once the handshake completed or failed. */
  get settled(): boolean {
    return this.#phase === 'open' || this.#phase === 'failed';
  }

  /** The handshake hash (channel binding), once established. */
  get handshakeHash(): Uint8Array | undefined {
    return this.#hash;
  }

  /** The peer's static public key (identity mode), once established. */
  get remoteStaticKey(): Uint8Array | undefined {
    return this.#remoteKey;
  }

  /** True once the peer's authenticated close arrived. */
  get peerClosed(): boolean {
    return this.#peerClosed;
  }

  /** Sends this side's hello and starts the handshake timer. Idempotent. */
  start(): void {
    if (this.#phase !== 'idle') return;
    this.#phase = 'hello';
    this.#timer = setTimeout(() => {
      this.fail(
        new EncryptionError(
          `the handshake did not complete within ${this.#config.handshakeTimeoutMs} ms (the peer is silent or stalled)`,
          { reason: 'handshake-timeout' },
        ),
        false,
      );
    }, this.#config.handshakeTimeoutMs);
    this.#host.writeControl(
      encodeControlFrame(CONTROL_HELLO, this.#helloBytes, undefined, allocate),
    );
  }

  /** Takes one control frame from the decoder; throws (failing the decoder) when it is bad. */
  readonly onControl = (
    type: number,
    body: Uint8Array,
    encrypted: boolean,
    offset: number,
  ): void => {
    try {
      this.#control(type, body, encrypted, offset);
    } catch (error) {
      const failure =
        error instanceof EncryptionError
          ? error
          : new EncryptionError(`handshake failed: ${(error as Error).message}`, {
              reason: 'malformed',
              cause: error,
            });
      this.fail(failure, true);
      throw failure;
    }
  };

  #control(type: number, body: Uint8Array, encrypted: boolean, offset: number): void {
    if (type === CONTROL_ALERT) {
      const reason = REASONS[body[0] ?? 255] ?? 'malformed';
      const text = new TextDecoder().decode(body.subarray(1, 513));
      const error = new EncryptionError(`the peer failed the channel: ${reason}: ${text}`, {
        reason,
      });
      this.fail(error, false);
      throw error;
    }
    if (this.#phase === 'open') {
      if (!encrypted) {
        throw new EncryptionError(
          `unencrypted control frame (type ${type}) at offset ${offset} after the handshake`,
          { reason: 'malformed' },
        );
      }
      if (type === CONTROL_REKEY) {
        // The peer's key changes after this record (REKEY, then a fresh counter).
        this.#receive!.rekey();
        this.#receive!.setNonce(0n);
        return;
      }
      if (type === CONTROL_CLOSE) {
        this.#peerClosed = true;
        return;
      }
      throw new EncryptionError(`unexpected control frame of type ${type} at offset ${offset}`, {
        reason: 'malformed',
      });
    }
    if (encrypted) {
      throw new EncryptionError(`encrypted control frame during the handshake`, {
        reason: 'malformed',
      });
    }
    if (type === CONTROL_HELLO && this.#phase === 'hello' && this.#handshake === undefined) {
      this.#onHello(body);
      return;
    }
    if (type === CONTROL_HANDSHAKE && this.#handshake !== undefined) {
      const hs = this.#handshake;
      if (hs.isMyTurn) {
        throw new EncryptionError('handshake message out of turn', { reason: 'malformed' });
      }
      hs.readMessage(body);
      this.#checkPeer(hs);
      this.#advance(hs);
      return;
    }
    throw new EncryptionError(
      `unexpected control frame of type ${type} at offset ${offset} during the handshake`,
      { reason: 'malformed' },
    );
  }

  #onHello(body: Uint8Array): void {
    const theirs = decodeHello(body);
    const initiator = settleRoles(this.#hello, theirs);
    const theirBytes = body.slice();
    const prologue = initiator
      ? prologueOf(this.#helloBytes, theirBytes)
      : prologueOf(theirBytes, this.#helloBytes);
    const c = this.#config;
    this.#handshake = new Handshake({
      pattern: c.pattern,
      cipher: c.cipher,
      initiator,
      prologue,
      ...(c.psk ? { psk: c.psk } : {}),
      ...(c.staticKeyPair ? { staticKeyPair: c.staticKeyPair } : {}),
    });
    this.#phase = 'handshake';
    this.#advance(this.#handshake);
  }

  // Writes this side's messages while it is its turn; completes when the pattern is done.
  #advance(hs: Handshake): void {
    while (hs.isMyTurn) {
      this.#host.writeControl(
        encodeControlFrame(CONTROL_HANDSHAKE, hs.writeMessage(), undefined, allocate),
      );
    }
    if (!hs.complete) return;
    const { send, receive } = hs.split();
    this.#send = send;
    this.#receive = receive;
    this.#hash = hs.handshakeHash;
    this.#remoteKey = hs.remoteStaticKey;
    this.#handshake = undefined;
    this.#phase = 'open';
    this.#keyBorn = performance.now();
    clearTimeout(this.#timer);
    this.#host.installOpener(this.#open);
    this.#resolve();
  }

  #checkPeer(hs: Handshake): void {
    const key = hs.remoteStaticKey;
    if (this.#peerChecked || key === undefined || this.#config.allowed === undefined) return;
    this.#peerChecked = true;
    if (!this.#config.allowed(key)) {
      throw new EncryptionError(
        `the peer's static key ${Buffer.from(key).toString('hex')} is not one of the allowed peers`,
        { reason: 'peer-not-allowed' },
      );
    }
  }

  readonly #open: OpenRecord = (header, record) => {
    if (this.#peerClosed) {
      throw new EncryptionError("a record after the peer's authenticated close", {
        reason: 'malformed',
      });
    }
    const receive = this.#receive!;
    try {
      return receive.decrypt(header, record);
    } catch (error) {
      if (!(error instanceof EncryptionError) || error.reason !== 'tampered') throw error;
      throw classifyFailure(receive, header, record, error);
    }
  };

  readonly #seal: SealRecord = (header, plaintext) => {
    this.#records++;
    this.#bytes += plaintext.length;
    return this.#send!.encryptParts(header, plaintext);
  };

  /**
   * The frames for one message payload, sealed (and preceded by a rekey record when one is
   * due). Must be called in write order: the nonces are implicit.
   */
  frames(payload: Uint8Array, flags: number, frameSize: number): Uint8Array[] {
    const frames = Math.max(1, Math.ceil(payload.length / frameSize));
    const out: Uint8Array[] = [];
    const c = this.#config;
    const send = this.#send!;
    if (
      this.#records + frames + 1 > c.rekeyRecords ||
      this.#bytes + payload.length > c.rekeyBytes ||
      performance.now() - this.#keyBorn > c.rekeyIntervalMs ||
      send.nonce + BigInt(frames + 1) >= MAX_NONCE
    ) {
      // Announced under the old key; both sides then REKEY() and start the counter again, so
      // a counter never wraps (nor reaches Noise's reserved 2^64-1).
      out.push(encodeControlFrame(CONTROL_REKEY, EMPTY, this.#seal, allocate));
      send.rekey();
      send.setNonce(0n);
      this.#records = 0;
      this.#bytes = 0;
      this.#keyBorn = performance.now();
    }
    for (const part of encodeFrames(payload, flags, { frameSize, allocate, seal: this.#seal })) {
      out.push(part);
    }
    return out;
  }

  /** The authenticated end of stream, to write last; undefined before the handshake. */
  closeFrame(): Uint8Array | undefined {
    if (this.#phase !== 'open') return undefined;
    return encodeControlFrame(CONTROL_CLOSE, EMPTY, this.#seal, allocate);
  }

  /** What the end of the stream means here: undefined when the peer closed properly. */
  endOfStream(): EncryptionError | undefined {
    if (this.#peerClosed) return undefined;
    return new EncryptionError(
      this.#phase === 'open'
        ? "the connection ended without the peer's authenticated close: it was cut or truncated"
        : 'the connection ended during the handshake',
      { reason: 'truncated' },
    );
  }

  /**
   * Fails the session: the handshake's promise rejects, and the peer is told why when this
   * side found the fault during the handshake (`tell`). The channel then closes.
   */
  fail(error: Error, tell: boolean): void {
    if (this.#phase === 'failed') return;
    const handshaking = this.#phase !== 'open';
    this.#phase = 'failed';
    clearTimeout(this.#timer);
    if (tell && handshaking) {
      const text = new TextEncoder().encode(error.message.slice(0, 200));
      const body = new Uint8Array(1 + text.length);
      body[0] = Math.max(0, REASONS.indexOf((error as EncryptionError).reason ?? 'malformed'));
      body.set(text, 1);
      try {
        this.#host.writeControl(encodeControlFrame(CONTROL_ALERT, body, undefined, allocate));
      } catch {
        // The stream is gone: the peer learns of it as a cut connection.
      }
    }
    this.#reject(error);
    this.#host.fail(error);
  }
}
