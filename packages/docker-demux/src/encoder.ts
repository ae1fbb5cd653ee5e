// The encoder: what the engine's stdcopy writer does, for servers and tests.
import { BufferOverflowError } from '@sluice/stream-core';
import { DOCKER_HEADER_SIZE, MAX_FRAME_LENGTH, SYSTEMERR } from './constants.js';

/** Largest payload per frame `mux` produces unless told otherwise (the engine writes 32 KiB). */
export const DEFAULT_MUX_CHUNK_SIZE: number = 32 * 1024;

// A bad stream id is the caller's argument error, not bad input from a peer.
function checkId(streamId: number): void {
  if (typeof streamId !== 'number') {
    throw new TypeError(`stream id must be a number (0, 1, 2 or 3), got ${typeof streamId}`);
  }
  if (!Number.isInteger(streamId) || streamId < 0 || streamId > SYSTEMERR) {
    throw new RangeError(`stream id must be 0, 1, 2 or 3, got ${streamId}`);
  }
}

/** The 8-byte header of a frame: `[streamId][0][0][0][length u32 big-endian]`. */
export function encodeHeader(streamId: number, length: number): Buffer {
  checkId(streamId);
  if (!Number.isInteger(length) || length < 0 || length > MAX_FRAME_LENGTH) {
    throw new BufferOverflowError(`frame length ${length} does not fit the 32-bit length field`, {
      limit: MAX_FRAME_LENGTH,
      size: length,
    });
  }
  const header = Buffer.alloc(DOCKER_HEADER_SIZE);
  header[0] = streamId;
  header.writeUInt32BE(length, 4);
  return header;
}

/** One frame (header and payload in one buffer) carrying all of `payload`. */
export function encodeFrame(streamId: number, payload: Uint8Array | string): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const frame = Buffer.allocUnsafe(DOCKER_HEADER_SIZE + bytes.length);
  encodeHeader(streamId, bytes.length).copy(frame, 0);
  frame.set(bytes, DOCKER_HEADER_SIZE);
  return frame;
}

/**
 * `payload` as frames of `streamId`, each payload at most `maxPayload` bytes (default 32 KiB),
 * concatenated. Empty payload → empty result (no zero-length frame).
 */
export function mux(
  streamId: number,
  payload: Uint8Array | string,
  maxPayload: number = DEFAULT_MUX_CHUNK_SIZE,
): Buffer {
  checkId(streamId);
  if (!Number.isInteger(maxPayload) || maxPayload < 1 || maxPayload > MAX_FRAME_LENGTH) {
    throw new RangeError(
      `maxPayload must be an integer from 1 to ${MAX_FRAME_LENGTH}, got ${maxPayload}`,
    );
  }
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const frames = Math.ceil(bytes.length / maxPayload);
  const out = Buffer.allocUnsafe(bytes.length + frames * DOCKER_HEADER_SIZE);
  let at = 0;
  for (let from = 0; from < bytes.length; from += maxPayload) {
    const piece = bytes.subarray(from, Math.min(from + maxPayload, bytes.length));
    out[at] = streamId;
    out[at + 1] = 0;
    out[at + 2] = 0;
    out[at + 3] = 0;
    out.writeUInt32BE(piece.length, at + 4);
    out.set(piece, at + DOCKER_HEADER_SIZE);
    at += DOCKER_HEADER_SIZE + piece.length;
  }
  return out;
}
