// The seed's (RPyC's) names for the transports, as aliases of the idiomatic ones, so a reader
// of the seed finds them (as channel's `seed-channels.ts` does for its classes). The two
// static faces, `SocketStream.connect` and `TunneledSocketStream.connect`, stay on their
// classes and call `connectTcp` and `connectSsh`.
import { connectTcp } from './socket.js';
import { spawnStream } from './subprocess.js';
import { connectTls } from './tls.js';
import { connectUnix } from './unix.js';

/** The seed's `SocketStream.connect` / `create_socket_stream`: `connectTcp`. */
export const createSocketStream: typeof connectTcp = connectTcp;

/** The seed's `create_ssl_stream` (its `keyfile`, `certfile`, `ca_certs` are honoured): `connectTls`. */
export const createSslStream: typeof connectTls = connectTls;

/** The seed's `create_unix_stream`: `connectUnix`. */
export const createUnixStream: typeof connectUnix = connectUnix;

/** The seed's `create_pipe_stream`: `spawnStream`. */
export const createPipeStream: typeof spawnStream = spawnStream;
