// demux(): a Node Readable carrying Docker's multiplexed stream, into two Writables, with
// backpressure both ways (the source is paused while either output is full).
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { assertKnownOptions, ConnectionLostError, StreamClosedError } from '@sluice/stream-core';
import { type OutputStreamId, STDERR } from './constants.js';
import { DockerFrameDecoder } from './decoder.js';
import type { StreamKind } from './detect.js';
import { PayloadGatherer } from './gatherer.js';

/** Options of {@link demux}. */
export interface DemuxOptions {
  /** Receives stream ids 1 (stdout) and 0 (stdin, as Docker's stdcopy does). */
  stdout: Writable;
  /** Receives stream id 2 (stderr). May be the same stream as `stdout`. */
  stderr: Writable;
  /** End the outputs when the source ends (or fails). Default true; pass false for `process.stdout`. */
  end?: boolean;
  /** Largest frame payload accepted. Default 64 MiB. */
  maxFrameSize?: number;
  /** Longest daemon error message kept (stream id 3). Default 64 KiB. */
  maxErrorSize?: number;
  /** 'raw' (a TTY) copies every byte to `stdout` unchanged. Default 'multiplexed'. */
  kind?: StreamKind;
}

const DEMUX_OPTIONS: readonly string[] = [
  'stdout',
  'stderr',
  'end',
  'maxFrameSize',
  'maxErrorSize',
  'kind',
];

/**
 * Demultiplexes `input` (a Node `Readable`, or what dockerode returns) into `stdout` and `stderr`. Resolves when the source has ended, every
 * payload was written and (with `end`) the outputs have finished. Rejects with
 * `DaemonError` (stream id 3, after the data before it was written), `ProtocolError` (bad or
 * truncated frame, with its byte offset), `BufferOverflowError` (frame over `maxFrameSize`,
 * before allocating), `ConnectionLostError` (source closed without ending) or an output's
 * error. On failure the source is destroyed and, with `end`, the outputs are ended so that
 * what was written reaches them.
 */
export function demux(
  input: Readable | NodeJS.ReadableStream,
  options: DemuxOptions,
): Promise<void> {
  try {
    assertKnownOptions(options, DEMUX_OPTIONS, 'demux()');
  } catch (err) {
    return Promise.reject(err);
  }
  // dockerode types its streams as NodeJS.ReadableStream; at run time they are Readables.
  const source = input as Readable;
  const { stdout, stderr, end = true } = options;
  const outputs = stdout === stderr ? [stdout] : [stdout, stderr];
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let outBlocked = false;
    let errBlocked = false;

    const onOutDrain = (): void => {
      outBlocked = false;
      if (!errBlocked && !settled) source.resume();
    };
    const onErrDrain = (): void => {
      errBlocked = false;
      if (!outBlocked && !settled) source.resume();
    };
    const toStdout = new PayloadGatherer((payload) => {
      if (!stdout.write(payload) && !outBlocked) {
        outBlocked = true;
        stdout.once('drain', onOutDrain);
      }
    });
    // One output for both ids: one gatherer, so that their order is kept.
    const toStderr =
      stdout === stderr
        ? toStdout
        : new PayloadGatherer((payload) => {
            if (!stderr.write(payload) && !errBlocked) {
              errBlocked = true;
              stderr.once('drain', onErrDrain);
            }
          });
    // A chunk's payloads are gathered per output and written when the chunk is decoded.
    const deliver = (streamId: OutputStreamId, payload: Buffer): void => {
      (streamId === STDERR ? toStderr : toStdout).add(payload);
    };
    const flushBoth = (): void => {
      toStdout.flush();
      toStderr.flush();
    };

    const decoder =
      options.kind === 'raw'
        ? undefined
        : new DockerFrameDecoder(deliver, {
            partial: true,
            maxFrameSize: options.maxFrameSize,
            maxErrorSize: options.maxErrorSize,
          });

    const onData = (chunk: Buffer | string): void => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      try {
        if (decoder) decoder.push(bytes);
        else deliver(1, bytes);
      } catch (error) {
        // What came before the fault is written first.
        flushBoth();
        fail(error as Error);
        return;
      }
      flushBoth();
      if (outBlocked || errBlocked) source.pause();
    };
    const onEnd = (): void => {
      try {
        decoder?.end();
      } catch (error) {
        flushBoth();
        fail(error as Error);
        return;
      }
      flushBoth();
      settle();
      if (!end) {
        resolve();
        return;
      }
      for (const out of outputs) out.end();
      Promise.all(outputs.map((out) => finished(out, { readable: false }))).then(
        () => resolve(),
        reject,
      );
    };
    const onSourceClose = (): void => {
      fail(new ConnectionLostError('the source closed before it ended'));
    };
    const onOutputClose = (): void => {
      fail(new StreamClosedError('an output was closed before the source ended'));
    };

    function settle(): void {
      settled = true;
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', fail);
      source.off('close', onSourceClose);
      stdout.off('drain', onOutDrain);
      stderr.off('drain', onErrDrain);
      for (const out of outputs) {
        out.off('error', fail);
        out.off('close', onOutputClose);
      }
    }
    function fail(error: Error): void {
      if (settled) return;
      settle();
      if (!source.destroyed) source.destroy();
      if (end) {
        for (const out of outputs) if (!out.destroyed && !out.writableEnded) out.end();
      }
      reject(error);
    }

    source.on('error', fail);
    source.on('close', onSourceClose);
    source.on('end', onEnd);
    for (const out of outputs) {
      out.on('error', fail);
      out.on('close', onOutputClose);
    }
    if (source.readableEnded) {
      onEnd();
      return;
    }
    source.on('data', onData);
    source.resume();
  });
}
