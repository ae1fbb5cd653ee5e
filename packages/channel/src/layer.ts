// The per-message layers between batching and framing. Each owns bits of the frame flags
// byte, transforms a whole message payload on the way out, and undoes it on the way in when
// its bits are set. Order on send: compress → encrypt; on receive: decrypt → decompress.
//
// Encryption is the slot after compression (FLAG_ENCRYPTED, reserved): it will be a
// `PayloadLayer` whose `encode` receives the flags so far, so it can bind them as associated
// data. This release has no encryption layer; readers reject frames carrying that flag.

/** A payload after one layer: the new bytes and the flag bits the layer set. */
export interface LayerOutput {
  /** The transformed payload. */
  payload: Uint8Array;
  /** Flag bits (within the layer's `mask`) describing what was done; 0 when passed through. */
  flags: number;
}

/** One optional, composable transformation of whole message payloads. */
export interface PayloadLayer {
  /** Short name, for errors and docs. */
  readonly name: string;
  /** The frame flag bits this layer owns. */
  readonly mask: number;
  /** Transforms an outgoing payload; `flags` are the message flags set by earlier layers. */
  encode(payload: Uint8Array, flags: number): LayerOutput | Promise<LayerOutput>;
  /** Undoes `encode`; `flags` are the message flags; output beyond `maxSize` is an error. */
  decode(payload: Uint8Array, flags: number, maxSize: number): Uint8Array | Promise<Uint8Array>;
}
