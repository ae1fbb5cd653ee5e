// Run by trace.test.ts in a fresh Node process: a TLS listener meets a client that speaks no
// TLS. The process must live on (the error concerns one connection only), and the error must
// leave a trace under NODE_DEBUG=sluice. Prints "done" once the bad client was dropped.
import { once } from 'node:events';
import { connect } from 'node:net';
import { listenTls } from '@sluice/transports';
import { makeCa } from './certs.js';

const ca = await makeCa();
const leaf = await ca.issue();
const listener = await listenTls({ key: leaf.key, cert: leaf.cert });
const socket = connect(Number(new URL(listener.url).port), '127.0.0.1');
socket.on('error', () => undefined);
await once(socket, 'connect');
socket.write('GET / HTTP/1.1\r\n\r\n');
await once(socket, 'close');
await listener.close();
process.stdout.write('done');
