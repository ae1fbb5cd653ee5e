// A TCP port that never completes a connection, for "timed-out connect" checks on loopback:
// a stopped child process listens with an accept queue of one, and filler connections fill
// that queue, so the kernel drops every further SYN.
import { type ChildProcess, spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';

/** A port where connects hang until `stop()`. */
export interface Blackhole {
  host: string;
  port: number;
  stop(): Promise<void>;
}

const LISTEN = `
const server = require('node:net').createServer(() => {});
server.listen({ host: process.argv[1], port: 0, backlog: 1 }, () => {
  process.stdout.write(String(server.address().port) + '\\n');
});`;

/** Starts a blackhole on `host` (an IPv4 or IPv6 loopback address). */
export async function startBlackhole(host = '127.0.0.1'): Promise<Blackhole> {
  const child: ChildProcess = spawn(process.execPath, ['-e', LISTEN, host], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(Number(text.trim()));
    });
    child.once('exit', (code) => reject(new Error(`blackhole listener exited (${code})`)));
  });
  child.kill('SIGSTOP');
  // Fill the accept queue (Linux holds backlog + 1 = 2 connections nobody accepted); the SYNs
  // of the other fillers, and of every later connect, are dropped while it stays full.
  const fillers: Socket[] = [];
  let connected = 0;
  await new Promise<void>((resolve) => {
    const giveUp = setTimeout(resolve, 2000); // a kernel that queues fewer: go on with what is full
    for (let i = 0; i < 8; i++) {
      const socket = connect({ host, port });
      socket.on('error', () => {});
      socket.once('connect', () => {
        if (++connected >= 2) {
          clearTimeout(giveUp);
          resolve();
        }
      });
      fillers.push(socket);
    }
  });
  return {
    host,
    port,
    stop: async () => {
      for (const socket of fillers) socket.destroy();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
