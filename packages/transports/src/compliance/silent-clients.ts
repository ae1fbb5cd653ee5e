// Many TCP clients that connect and then say nothing: what a handshake timeout must clear.
import { connect, type Socket } from 'node:net';

/** `count` silent connections to `port`, and how many of them the server has dropped. */
export interface SilentClients {
  /** Connections the server has closed so far. */
  readonly dropped: () => number;
  /** Resolves once every connection has been closed by the server. */
  readonly allDropped: Promise<void>;
  /** Closes what is left. */
  destroy(): void;
}

/** Opens `count` connections to 127.0.0.1:`port` that never send a byte. */
export async function silentClients(port: number, count: number): Promise<SilentClients> {
  const sockets: Socket[] = [];
  let dropped = 0;
  let allDone: () => void = () => undefined;
  const allDropped = new Promise<void>((resolve) => {
    allDone = resolve;
  });
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1');
          sockets.push(socket);
          socket.once('connect', resolve);
          socket.once('error', reject);
          socket.once('close', () => {
            if (++dropped === count) allDone();
          });
          socket.on('error', () => undefined); // a reset is a drop too
        }),
    ),
  );
  return {
    dropped: () => dropped,
    allDropped,
    destroy: () => {
      for (const socket of sockets) socket.destroy();
    },
  };
}
