// Where the write queue answers a 'drain': for a TLS socket in a microtask after the emit (where
// a writer awaiting 'drain' resumes), for every other writable inside it, as before.
import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Stream } from './stream.js';

/** A Duplex that holds each write until `complete()`; `encrypted` as a TLS socket has it. */
class HeldWrites extends Duplex {
  readonly encrypted: boolean;
  writes = 0;
  #held: (() => void)[] = [];

  constructor(encrypted: boolean) {
    super({ writableHighWaterMark: 16 });
    this.encrypted = encrypted;
  }

  override _read(): void {}

  override _write(_chunk: Buffer, _encoding: string, callback: () => void): void {
    this.writes++;
    this.#held.push(callback);
  }

  /** Completes the oldest write: the writable emits 'drain' from inside this call. */
  complete(): void {
    this.#held.shift()?.();
  }
}

/** Writes after the first write completes: inside its 'drain', and once the microtasks ran. */
async function writesAroundDrain(encrypted: boolean): Promise<[number, number]> {
  const socket = new HeldWrites(encrypted);
  // A bound of one chunk: the first goes straight to the writable (and fills its mark), the
  // second waits in the queue (any writable: it may not go straight past the bound either).
  const stream = new Stream(socket, { maxBufferSize: 16 });
  await stream.writeAll(Buffer.alloc(16));
  await stream.writeAll(Buffer.alloc(16));
  expect([socket.writes, stream.bufferedWriteBytes]).toEqual([1, 16]);
  socket.complete();
  const inside = socket.writes - 1;
  await Promise.resolve();
  const after = socket.writes - 1;
  stream.destroy();
  return [inside, after];
}

describe("the write queue's answer to 'drain'", () => {
  it('a TLS socket gets its next write after the drain emit, not from inside it', async () => {
    // Inside, Node's TLS socket would complete that write and emit the next 'drain' in the
    // same pass of its immediates: the sender filled the kernel's buffer before the reader
    // got a turn (1-4 MiB per turn of the event loop).
    expect(await writesAroundDrain(true)).toEqual([0, 1]);
  });

  it('any other writable gets it from inside the emit, as before', async () => {
    expect(await writesAroundDrain(false)).toEqual([1, 1]);
  });
});
