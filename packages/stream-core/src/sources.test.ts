// Stream over the kinds of things it wraps: real sockets, a child process, file descriptors.
import { execFileSync, spawn } from 'node:child_process';
import { fstatSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Stream } from './stream.js';
import { unixSocketPair } from './testing/socket-pair.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(stream: Stream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

describe('Stream sources', () => {
  it('a Unix socket: fileno() is the real descriptor; half-close lets the peer answer', async () => {
    const [x, y] = await unixSocketPair();
    const a = new Stream(x);
    const b = new Stream(y);
    expect(a.fileno()).toBeGreaterThan(2);
    expect(a.underlying).toBe(x);
    await a.writeAll('question');
    await a.closeWrite();
    expect(await readAll(b)).toBe('question');
    await b.writeAll('answer');
    await b.close();
    expect(await readAll(a)).toBe('answer');
    await a.close();
  });

  it("a TLS socket: fileno() is the TCP socket's; bytes and half-close go through the TLS layer", async () => {
    // A throwaway self-signed certificate made for this test.
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    const tls = await import('node:tls');
    const server = tls.createServer({
      key: readFileSync(key),
      cert: readFileSync(cert),
      allowHalfOpen: true,
    });
    const accepted = new Promise<Stream>((resolve) =>
      server.once('secureConnection', (socket) => resolve(new Stream(socket))),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const options = {
      port,
      host: '127.0.0.1',
      servername: 'localhost',
      ca: readFileSync(cert),
      allowHalfOpen: true,
    };
    const client = tls.connect(options as typeof options & { allowHalfOpen?: boolean });
    await new Promise<void>((resolve, reject) => {
      client.once('secureConnect', resolve);
      client.once('error', reject);
    });
    const a = new Stream(client);
    const b = await accepted;
    expect(a.fileno()).toBeGreaterThan(2);
    await a.writeAll('over tls');
    await a.closeWrite();
    expect(await readAll(b)).toBe('over tls');
    await b.writeAll('and back');
    await b.close();
    expect(await readAll(a)).toBe('and back');
    await a.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a child process: writes go to its stdin, reads come from its stdout', async () => {
    const child = spawn('cat', [], { stdio: ['pipe', 'pipe', 'ignore'] });
    const stream = new Stream(child);
    expect(stream.fileno()).toBeGreaterThanOrEqual(0);
    await stream.writeAll('through cat\n');
    await stream.closeWrite();
    expect(await readAll(stream)).toBe('through cat\n');
    await stream.close();
    await new Promise((resolve) => child.once('close', resolve));
  });

  it('a file descriptor number of a regular file reads its content', async () => {
    const path = join(dir, 'file.txt');
    writeFileSync(path, 'file content');
    const fd = openSync(path, 'r');
    const stream = new Stream(fd);
    expect(stream.fileno()).toBe(fd);
    expect((await stream.readExactly(12)).toString()).toBe('file content');
    expect(await stream.poll(1000)).toBe(true);
    expect(stream.read()).toBeNull();
    const released = new Promise((resolve) => stream.nodeReadable.once('close', resolve));
    await stream.close();
    await released;
    // The Stream owned the descriptor and closed it.
    expect(() => fstatSync(fd)).toThrow(/EBADF/);
  });

  it('an object with fileno() (here a FIFO opened read-write) is wrapped by its descriptor', async () => {
    const path = join(dir, 'fifo');
    execFileSync('mkfifo', [path]);
    const fd = openSync(path, 'r+');
    const stream = new Stream({ fileno: () => fd });
    expect(stream.fileno()).toBe(fd);
    // Both ends are this one descriptor: what goes in comes back out.
    await stream.writeAll('round trip');
    expect((await stream.readExactly(10)).toString()).toBe('round trip');
    await stream.close();
  });

  it('a terminal descriptor (a real pseudo-terminal) reads and writes through TTY handles', async () => {
    // python3 opens a pty pair, puts it in raw mode and answers on the master side with what
    // it reads, upper-cased; this process opens the slave side through /proc.
    const script = [
      'import os, tty',
      'm, s = os.openpty()',
      'tty.setraw(s)',
      'print(os.getpid(), s, flush=True)',
      'while True:',
      '    d = os.read(m, 1024)',
      '    if not d: break',
      '    os.write(m, d.upper())',
    ].join('\n');
    const terminal = spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let line = '';
      for await (const chunk of terminal.stdout) {
        line += String(chunk);
        if (line.includes('\n')) break;
      }
      const [pid, slave] = line.trim().split(/\s+/);
      const fd = openSync(`/proc/${pid}/fd/${slave}`, 'r+');
      const stream = new Stream(fd);
      expect(stream.fileno()).toBe(fd);
      expect((stream.nodeReadable as { isTTY?: boolean }).isTTY).toBe(true);
      await stream.writeAll('hello terminal');
      expect((await stream.readExactly(14)).toString()).toBe('HELLO TERMINAL');
      stream.destroy();
    } finally {
      terminal.kill();
    }
  });

  it('a character device that is not a terminal (/dev/null) reads as an empty file', async () => {
    const stream = new Stream(openSync('/dev/null', 'r+'));
    expect(stream.write('discarded')).toBe(9);
    expect(await stream.poll(1000)).toBe(true);
    expect(stream.read()).toBeNull();
    await stream.close();
  });

  it('rejects what it cannot wrap with a TypeError', () => {
    expect(() => new Stream(-1)).toThrow(TypeError);
    expect(() => new Stream({} as never)).toThrow(TypeError);
    expect(() => new Stream(spawn('true', [], { stdio: 'ignore' }))).toThrow(
      /piped stdin and stdout/,
    );
  });
});
