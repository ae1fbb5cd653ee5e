// Watches keyboard input for the detach sequence with moby/term's semantics: bytes that match
// a prefix are held back (no timeout); on a mismatch the held prefix is released together with
// the mismatching byte, which is not re-tested as a new start; a full match is swallowed.

/** What one chunk of input became. */
export interface MatchResult {
  /** Bytes to forward to the container (held prefix bytes included once released). */
  forward: Uint8Array;
  /** True when the chunk completed the detach sequence; bytes after it are dropped. */
  detached: boolean;
}

const EMPTY = new Uint8Array(0);

/** A stateful matcher for one session's input. */
export class DetachMatcher {
  readonly #keys: Uint8Array;
  #pos = 0;

  /** `keys` empty disables detaching: every byte is forwarded. */
  constructor(keys: Uint8Array) {
    this.#keys = keys;
  }

  /** Bytes held back because they match a prefix of the sequence. */
  get pending(): number {
    return this.#pos;
  }

  /** Feeds one chunk of input. */
  push(chunk: Uint8Array): MatchResult {
    const keys = this.#keys;
    if (keys.length === 0) return { forward: chunk, detached: false };
    // Fast path: no byte of the chunk can start or continue a match.
    if (this.#pos === 0 && !chunk.includes(keys[0]!)) return { forward: chunk, detached: false };
    const out: number[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === keys[this.#pos]) {
        if (this.#pos === keys.length - 1) {
          this.#pos = 0;
          return { forward: Uint8Array.from(out), detached: true };
        }
        this.#pos++;
        continue;
      }
      for (let k = 0; k < this.#pos; k++) out.push(keys[k]!);
      this.#pos = 0;
      out.push(b);
    }
    return { forward: out.length === 0 ? EMPTY : Uint8Array.from(out), detached: false };
  }

  /** Releases a held prefix (at end of input the held bytes are real input). */
  flush(): Uint8Array {
    const held = this.#keys.slice(0, this.#pos);
    this.#pos = 0;
    return held;
  }
}
