// The handshake patterns sluice speaks (Noise spec §7.5, §9). None of them has pre-messages.

/** The Noise handshake patterns sluice implements. */
export type NoisePattern = 'NNpsk0' | 'XX' | 'XXpsk3';

/** One token of a message pattern. */
export type Token = 'e' | 's' | 'ee' | 'es' | 'se' | 'ss' | 'psk';

/** What a pattern needs and the tokens of each message, initiator's first. */
export interface PatternSpec {
  /** Whether the pattern carries a psk modifier (then every `e` also does MixKey). */
  readonly psk: boolean;
  /** Whether each side needs a static key pair. */
  readonly staticKeys: boolean;
  /** The message patterns in order; even indexes are sent by the initiator. */
  readonly messages: readonly (readonly Token[])[];
}

/** The patterns by name. */
export const PATTERNS: Readonly<Record<NoisePattern, PatternSpec>> = {
  // -> psk, e   <- e, ee
  NNpsk0: {
    psk: true,
    staticKeys: false,
    messages: [
      ['psk', 'e'],
      ['e', 'ee'],
    ],
  },
  // -> e   <- e, ee, s, es   -> s, se
  XX: { psk: false, staticKeys: true, messages: [['e'], ['e', 'ee', 's', 'es'], ['s', 'se']] },
  // -> e   <- e, ee, s, es   -> s, se, psk
  XXpsk3: {
    psk: true,
    staticKeys: true,
    messages: [['e'], ['e', 'ee', 's', 'es'], ['s', 'se', 'psk']],
  },
};
