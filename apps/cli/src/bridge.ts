// Moving bytes between Node streams and a channel, with backpressure both ways: each chunk
// read is one message, each message received is written as it is.
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import type { Channel } from '@sluice/channel';
import type { ByteStream } from '@sluice/stream-core';

/**
 * Sends everything `source` yields over `channel`, then flushes and half-closes `stream`
 * (the peer reads end of stream and can still answer).
 */
export async function sendAll(
  source: AsyncIterable<Uint8Array>,
  channel: Channel,
  stream: ByteStream,
  count: (n: number) => void = () => {},
): Promise<void> {
  for await (const chunk of source) {
    count(chunk.length);
    await channel.send(chunk);
  }
  await channel.flush();
  await stream.closeWrite();
}

/** Writes every message of `channel` to `sink` until the peer ends; does not end `sink`. */
export async function receiveAll(
  channel: Channel,
  sink: Writable,
  count: (n: number) => void = () => {},
): Promise<void> {
  for await (const message of channel) {
    count(message.length);
    if (!sink.write(message)) await drained(sink);
  }
}

function drained(sink: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      sink.off('error', onError);
      sink.off('close', onDrain);
      resolve();
    };
    const onError = (error: Error): void => {
      sink.off('drain', onDrain);
      sink.off('close', onDrain);
      reject(error);
    };
    sink.once('drain', onDrain);
    sink.once('error', onError);
    sink.once('close', onDrain);
  });
}

/** A Readable as chunks, for `sendAll`. */
export function chunksOf(readable: Readable): AsyncIterable<Uint8Array> {
  return readable;
}

/** Resolves once `emitter` emits `event` (a small wrapper so callers need not import events). */
export async function onceEvent(emitter: NodeJS.EventEmitter, event: string): Promise<void> {
  await once(emitter, event);
}
