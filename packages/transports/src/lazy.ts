// ssh2 and ws are loaded on first use, not when `@sluice/transports` is imported: a program
// that only speaks TCP (or only demultiplexes) pays neither's start-up time nor heap.
import type * as Ssh2 from 'ssh2';
import type * as Ws from 'ws';

let ws: Promise<typeof Ws> | undefined;
let ssh2: Promise<typeof Ssh2> | undefined;

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
