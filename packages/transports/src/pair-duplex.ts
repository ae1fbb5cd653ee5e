// One Duplex over a separate Readable and Writable (two pipes, a child's stdout and stdin,
// stdin and stdout). Chunks pass through by reference: no copies. Hooks decide what ending
// and destroying do to the two halves, so stdio can be let go without being closed.
// (Not `Duplex.from({ readable, writable })`: it destroys both halves with the Duplex, has
// no such hooks, and reports a destroyed half as a plain premature close.)
import { Duplex, type Readable, type Writable } from 'node:stream';
import { ConnectionLostError } from '@sluice/stream-core';
import { traceError } from './trace.js';

/** What to do with the halves when the Duplex ends or is destroyed. */
export interface PairHooks {
  /** Runs when the input ended, before end of stream is passed on; may turn it into an error. */
  beforeEnd?: () => Promise<Error | undefined>;
  /** Ends the output (default `output.end()`). */
  endOutput?: (callback: (error?: Error | null) => void) => void;
  /**
   * Releases both halves when the Duplex is destroyed. Default: destroy the input; leave an
   * output that was ended cleanly to drain to its reader, else destroy it with the error (or a
   * `ConnectionLostError`) so the reader learns the writer died.
   */
  release?: (error: Error | null, outputEnded: boolean) => void;
}

/** A Duplex reading from `input` and writing to `output`. */
export class PairDuplex extends Duplex {
  readonly input: Readable;
  readonly output: Writable;
  readonly #hooks: PairHooks;
  readonly #onData: (chunk: Buffer) => void;
  readonly #onEnd: () => void;
  readonly #onError: (error: Error) => void;
  readonly #onOutputError: (error: Error) => void;
  readonly #onInputClose: () => void;
  #inputEnded = false;
  #bytesRead = 0;
  #bytesHanded = 0;

  constructor(input: Readable, output: Writable, hooks: PairHooks = {}) {
    super({ allowHalfOpen: true, readableHighWaterMark: 64 * 1024 });
    this.input = input;
    this.output = output;
    this.#hooks = hooks;
    this.#onData = (chunk) => {
      this.#bytesRead += chunk.length;
      if (!this.push(chunk)) input.pause();
    };
    this.#onEnd = () => {
      this.#inputEnded = true;
      const before = hooks.beforeEnd?.() ?? Promise.resolve(undefined);
      before.then(
        (error) => (error ? this.destroy(error) : this.push(null)),
        (error: Error) => this.destroy(error),
      );
    };
    this.#onError = (error) => this.destroy(error);
    this.#onOutputError = (error) => this.destroy(error);
    this.#onInputClose = () => {
      if (!this.#inputEnded) this.destroy(new ConnectionLostError('the writing end went away'));
    };
    input.on('data', this.#onData);
    input.once('close', this.#onInputClose);
    input.once('end', this.#onEnd);
    input.on('error', this.#onError);
    output.on('error', this.#onOutputError);
    input.pause();
  }

  override _read(): void {
    this.input.resume();
  }

  /** Bytes read from the input so far (as `net.Socket#bytesRead`, for read timeouts). */
  get bytesRead(): number {
    return this.#bytesRead;
  }

  /** Bytes handed to the output plus those still queued here (as `net.Socket#bytesWritten`). */
  get bytesWritten(): number {
    return this.#bytesHanded + this.writableLength;
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    if (this.output.destroyed || this.output.writableEnded) {
      callback(new ConnectionLostError('the reading end went away'));
      return;
    }
    this.#bytesHanded += chunk.length;
    if (this.output.write(chunk)) {
      callback();
      return;
    }
    const done = (error?: Error | null): void => {
      this.output.off('drain', onDrain);
      this.output.off('close', onClose);
      callback(error);
    };
    const onDrain = (): void => done();
    const onClose = (): void => done(new ConnectionLostError('the reading end went away'));
    this.output.once('drain', onDrain);
    this.output.once('close', onClose);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.#hooks.endOutput) {
      this.#hooks.endOutput(callback);
      return;
    }
    const output = this.output;
    if (output.writableFinished) {
      callback();
      return;
    }
    // end()'s own callback never fires on an output its reader already destroyed.
    const done = (error?: Error | null): void => {
      output.off('finish', onFinish);
      output.off('close', onClose);
      callback(error);
    };
    const onFinish = (): void => done();
    const onClose = (): void =>
      done(output.writableFinished ? null : new ConnectionLostError('the reading end went away'));
    if (output.destroyed) {
      onClose();
      return;
    }
    output.once('finish', onFinish);
    output.once('close', onClose);
    output.end();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.input.off('data', this.#onData);
    this.input.off('end', this.#onEnd);
    this.input.off('error', this.#onError);
    this.input.off('close', this.#onInputClose);
    this.output.off('error', this.#onOutputError);
    // Errors after we let go are nobody's to handle: traced only.
    this.input.on('error', traceError('stream input after release'));
    this.output.on('error', traceError('stream output after release'));
    const outputEnded = this.writableFinished;
    if (this.#hooks.release) this.#hooks.release(error, outputEnded);
    else {
      this.input.destroy();
      if (!outputEnded) {
        this.output.destroy(
          error ?? new ConnectionLostError('the other end of the pipe went away'),
        );
      }
    }
    callback(error);
  }
}
