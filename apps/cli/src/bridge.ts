// Moving bytes between Node streams and a channel, with backpressure both ways: each chunk
// read is one message, each message received is written as it is.
//
// The end of one side's input is an empty message (a read never yields an empty chunk, so
// it cannot be data). A channel has no half-close of its own: an encrypted one ends only
// with its authenticated close, which closes both directions; the empty message lets the
// peer see "no more input" and still answer, as netcat's half-close does over TCP.
import type { Writable } from 'node:stream';
import type { Channel } from '@sluice/channel';

const END_OF_INPUT = new Uint8Array(0);

/**
 * How much may wait in a sink before receiving pauses. A socket's or pipe's own high-water
 * mark is 16 KiB, less than one 64 KiB message: waiting for 'drain' at every `false` would
 * keep one message in flight and make a forward a ping-pong; this keeps the pipe full
 * within a fixed bound.
 */
export const MAX_PENDING_BYTES: number = 1024 * 1024;

/** Sends everything `source` yields over `channel`, then the end-of-input message. */
export async function sendAll(
  source: AsyncIterable<Uint8Array>,
  channel: Channel,
  count: (n: number) => void = () => {},
): Promise<void> {
  for await (const chunk of source) {
    if (chunk.length === 0) continue;
    count(chunk.length);
    await channel.send(chunk);
  }
  await channel.send(END_OF_INPUT);
  await channel.flush();
}

/**
 * Writes every message of `channel` to `sink` until the peer's end of input (or the end of
 * the connection); does not end `sink`.
 */
export async function receiveAll(
  channel: Channel,
  sink: Writable,
  count: (n: number) => void = () => {},
): Promise<void> {
  for await (const message of channel) {
    if (message.length === 0) return;
    count(message.length);
    sink.write(message);
    if (sink.writableLength >= MAX_PENDING_BYTES) await drained(sink);
  }
}

function drained(sink: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = (): void => {
      off();
      resolve();
    };
    const fail = (error: Error): void => {
      off();
      reject(error);
    };
    const off = (): void => {
      sink.off('drain', ok);
      sink.off('close', ok);
      sink.off('error', fail);
    };
    sink.once('drain', ok);
    sink.once('close', ok);
    sink.once('error', fail);
  });
}
