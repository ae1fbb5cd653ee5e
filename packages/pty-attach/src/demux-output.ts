// Non-TTY output: Docker's multiplexed frames ([id u8][0 0 0][len u32 BE] payload) split into
// stdout and stderr, pausing the socket while either output is full.
// TODO(docker-demux): replace the decoder below with @sluice/docker-demux's `demux()` once
// that package exports it.
import type { Readable, Writable } from 'node:stream';
import { DaemonError, ProtocolError } from '@sluice/stream-core';

const HEADER = 8;

/** Copies `source` into `stdout`/`stderr` frame by frame; resolves at the end of the source. */
export function demuxOutput(source: Readable, stdout: Writable, stderr: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let header: Buffer = Buffer.alloc(0);
    let remaining = 0;
    let target: Writable | null = null;
    let system: Buffer[] | null = null;
    let offset = 0;
    const fail = (err: Error): void => {
      source.off('data', onData);
      source.destroy();
      reject(err);
    };
    const emit = (payload: Buffer): void => {
      if (system) system.push(payload);
      else if (target && !target.write(payload) && !source.isPaused()) {
        source.pause();
        target.once('drain', () => source.resume());
      }
    };
    const onData = (chunk: Buffer): void => {
      let i = 0;
      while (i < chunk.length) {
        if (remaining === 0) {
          const need = HEADER - header.length;
          const take = chunk.subarray(i, i + need);
          header =
            header.length === 0 && take.length === HEADER ? take : Buffer.concat([header, take]);
          i += take.length;
          if (header.length < HEADER) return;
          const id = header[0]!;
          remaining = header.readUInt32BE(4);
          header = Buffer.alloc(0);
          offset += HEADER;
          system = null;
          if (id === 0 || id === 1) target = stdout;
          else if (id === 2) target = stderr;
          else if (id === 3) system = [];
          else {
            fail(new ProtocolError(`unrecognized stream: ${id}`, { offset: offset - HEADER }));
            return;
          }
          if (remaining === 0 && system) {
            fail(new DaemonError(''));
            return;
          }
          continue;
        }
        const take = Math.min(remaining, chunk.length - i);
        emit(chunk.subarray(i, i + take));
        i += take;
        remaining -= take;
        offset += take;
        if (remaining === 0 && system) {
          fail(new DaemonError(Buffer.concat(system).toString('utf8')));
          return;
        }
      }
    };
    source.on('data', onData);
    source.once('end', () => {
      if (remaining > 0 || header.length > 0) {
        reject(
          new ProtocolError(
            `stream ended inside a frame (${remaining || HEADER - header.length} bytes missing)`,
            { offset },
          ),
        );
      } else resolve();
    });
    source.once('error', reject);
  });
}
