// A Node Duplex over whatever a connection is (a socket as is; a stream-core ByteStream
// adapted), with the socket methods node:http calls on its connections.
import { Duplex } from 'node:stream';
import type { ByteStream } from '@sluice/stream-core';

function isByteStream(x: unknown): x is ByteStream {
  return typeof x === 'object' && x !== null && 'writeAll' in x && 'readExactly' in x;
}

/** `connection` as a Duplex node:http and the session can use. */
export function toDuplex(connection: Duplex | ByteStream): Duplex {
  if (!isByteStream(connection)) return withSocketMethods(connection as Duplex);
  const stream = connection;
  const iterator = stream[Symbol.asyncIterator]();
  let reading = false;
  const duplex = new Duplex({
    read() {
      if (reading) return;
      reading = true;
      const pull = (): void => {
        iterator.next().then(
          ({ value, done }) => {
            if (done) {
              duplex.push(null);
              return;
            }
            if (duplex.push(value)) pull();
            else reading = false;
          },
          (error: Error) => duplex.destroy(error),
        );
      };
      pull();
    },
    write(chunk: Buffer, _encoding, callback) {
      stream.writeAll(chunk).then(() => callback(), callback);
    },
    final(callback) {
      stream.closeWrite().then(() => callback(), callback);
    },
    destroy(error, callback) {
      stream.close().then(
        () => callback(error),
        () => callback(error),
      );
    },
  });
  return withSocketMethods(duplex);
}

// node:http calls these on a connection; a Duplex that is not a net.Socket lacks them.
// `setTimeout` is real (an idle timer emitting 'timeout'): the keep-alive agent closes an
// idle pooled connection with it.
function withSocketMethods(d: Duplex): Duplex {
  const s = d as Duplex & Record<string, unknown>;
  if (typeof s.setTimeout !== 'function') {
    let timer: NodeJS.Timeout | undefined;
    let idleMs = 0;
    const arm = (): void => {
      clearTimeout(timer);
      timer = idleMs > 0 ? setTimeout(() => d.emit('timeout'), idleMs) : undefined;
    };
    d.on('data', () => timer && arm());
    d.once('close', () => clearTimeout(timer));
    s.setTimeout = (ms: number, callback?: () => void) => {
      idleMs = ms;
      if (callback) d.once('timeout', callback);
      arm();
      return d;
    };
    s.timeout = 0;
  }
  for (const name of ['setNoDelay', 'setKeepAlive', 'ref', 'unref']) {
    if (typeof s[name] !== 'function') s[name] = () => d;
  }
  return d;
}
