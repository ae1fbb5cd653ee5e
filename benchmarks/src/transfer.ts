// The one-way transfer every transports case measures: TOTAL bytes in CHUNK-sized writes,
// through sluice's awaitable face or straight into a Node writable (the limit's side).
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { NodeBackedStream } from '@sluice/stream-core';

/** Bytes moved per iteration. */
export const TOTAL: number = 64 * 1024 * 1024;
/** Size of each write. */
export const CHUNK: number = 64 * 1024;
/** The CHUNK-sized block every sender writes. */
export const PAYLOAD: Buffer = Buffer.alloc(CHUNK, 0x5a);

/** Writes TOTAL bytes with sluice's awaitable face. */
export async function sluiceSend(stream: NodeBackedStream): Promise<void> {
  for (let sent = 0; sent < TOTAL; sent += CHUNK) await stream.writeAll(PAYLOAD);
}

/** Writes TOTAL bytes into a Node writable, waiting for 'drain' when it asks. */
export async function nodeSend(writable: Writable): Promise<void> {
  for (let sent = 0; sent < TOTAL; sent += CHUNK) {
    if (!writable.write(PAYLOAD)) await once(writable, 'drain');
  }
}
