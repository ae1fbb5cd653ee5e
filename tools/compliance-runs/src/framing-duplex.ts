// The container's side of a Docker attach, in memory: what it writes leaves as stdout frames
// (docker-demux's `mux`), what it reads arrives raw (stdin is not framed).
import { Duplex } from 'node:stream';
import { mux, STDOUT } from '@sluice/docker-demux';

/** A Duplex over `raw` that frames its writes as stdout and passes reads through. */
export class FramingDuplex extends Duplex {
  readonly #raw: Duplex;

  constructor(raw: Duplex) {
    super({ allowHalfOpen: true });
    this.#raw = raw;
    raw.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) raw.pause();
    });
    raw.on('end', () => this.push(null));
    raw.on('error', (err) => this.destroy(err));
  }

  override _read(): void {
    this.#raw.resume();
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (err?: Error | null) => void,
  ): void {
    // Acknowledged when the peer took the frame: backpressure passes through.
    this.#raw.write(mux(STDOUT, chunk), done);
  }

  override _final(done: (err?: Error | null) => void): void {
    this.#raw.end(done);
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.#raw.destroy(err ?? undefined);
    done(err);
  }
}
