// ssh2, ws and Node's TLS are loaded on first use, not when `@sluice/transports` is
// imported: a program that only speaks TCP (or only demultiplexes) pays none of their
// start-up time nor heap.
import type * as Tls from 'node:tls';
import type * as Ssh2 from 'ssh2';
import type * as Ws from 'ws';

let ws: Promise<typeof Ws> | undefined;
let ssh2: Promise<typeof Ssh2> | undefined;
let tls: Promise<typeof Tls> | undefined;

/** The `ws` module, imported once on first call. */
export function loadWs(): Promise<typeof Ws> {
  ws ??= import('ws');
  return ws;
}

/** The `ssh2` module, imported once on first call. */
export function loadSsh2(): Promise<typeof Ssh2> {
  ssh2 ??= import('ssh2');
  return ssh2;
}

/** Node's `tls` module, imported once on first call. */
export function loadTls(): Promise<typeof Tls> {
  tls ??= import('node:tls');
  return tls;
}
