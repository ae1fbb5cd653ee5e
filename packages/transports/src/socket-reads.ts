// TCP and Unix sockets are read through Node's `onread`, so the Stream over them can let its
// reader choose where bytes land (a channel reads each large message straight into the
// message: the kernel's copy is the only one). A client socket takes `onread` when it is
// created. `net.Server` has no such option, so an accepted socket is taken paused
// (`pauseOnConnect`) and its handle moved into a socket created with `onread`, as Node's own
// accept does it, before a single byte is read.
import { type Server, Socket } from 'node:net';
import { SocketReads } from '@sluice/stream-core';

/** A socket as `net.Server` hands it over, with the internals a move needs. */
interface AcceptedSocket {
  _handle?: unknown;
  _server?: Server | null;
  server?: Server | null;
}

/**
 * Moves a socket accepted with `pauseOnConnect` (nothing read yet) into one read through
 * `onread`. Returns the socket to use and its reads; when the handle cannot be moved (the
 * socket already closed or read), the socket as it was and no reads.
 */
export function readThroughOnread(accepted: Socket): {
  socket: Socket;
  reads: SocketReads | undefined;
} {
  const old = accepted as unknown as AcceptedSocket;
  const handle = old._handle as { reading?: boolean } | null | undefined;
  if (!handle || accepted.destroyed || handle.reading || accepted.bytesRead > 0) {
    accepted.resume();
    return { socket: accepted, reads: undefined };
  }
  const reads = new SocketReads();
  const socket = new Socket({
    handle,
    allowHalfOpen: accepted.allowHalfOpen,
    readable: true,
    writable: true,
    onread: reads.onread,
  } as ConstructorParameters<typeof Socket>[0]);
  // The server counts its connections through the socket that owns the handle.
  const moved = socket as unknown as AcceptedSocket;
  moved._server = old._server ?? null;
  moved.server = old.server ?? null;
  old._server = null;
  old._handle = null;
  return { socket, reads };
}
