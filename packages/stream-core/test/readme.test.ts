// Issue 13 acceptance: every code example of the stream-core README, run for real, as a user
// runs it: written to a file and run by node, against a real TCP peer, and the dockerpty loop
// under a real pseudo-terminal with stdout on the terminal, on a pipe and on a file.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codeBlocks, nodeCommand, nodeCommandLine, Terminal } from './harness.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = codeBlocks(README);
const dir = mkdtempSync(join(tmpdir(), 'sluice-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each test claims the one block containing its needle; the last test checks none is left.
const claimed = new Set<number>();
function example(needle: string): string {
  const found = blocks.filter((b) => b.code.includes(needle));
  expect(found, `one README block contains ${JSON.stringify(needle)}`).toHaveLength(1);
  const block = found[0]!;
  claimed.add(block.line);
  const file = join(dir, `example-${block.line}.ts`);
  writeFileSync(file, block.code);
  return file;
}

async function serve(
  onSocket: (socket: Socket) => void,
): Promise<{ port: number; server: Server }> {
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('error', () => {});
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

/** Runs `file` with node; resolves with its exit code and output. */
function run(
  file: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [node, ...args] = nodeCommand(file);
  const child = spawn(node!, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

// The server the awaitable example expects: HELLO → a 4-byte length, that many bytes, more;
// it ends its side once the client ended its own.
function helloServer(announced: number, body: string) {
  return serve((socket) => {
    let got = '';
    socket.on('data', (chunk: Buffer) => {
      got += chunk.toString();
      if (got !== 'HELLO\n') return;
      const header = Buffer.alloc(4);
      header.writeUInt32BE(announced);
      socket.write(Buffer.concat([header, Buffer.from(body), Buffer.from(' and the rest\n')]));
    });
    socket.on('end', () => socket.end('bye\n'));
  });
}

describe('the stream-core README, run for real', () => {
  it('the awaitable example against a real TCP server', async () => {
    const file = example("await stream.writeAll('HELLO\\n')");
    const { port, server } = await helloServer(5, 'world');
    try {
      const result = await run(file, { PORT: String(port) });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('got 5 bytes\n and the rest\nbye\n');
    } finally {
      server.close();
    }
  });

  it('the awaitable example refuses a peer-announced length past its bound', async () => {
    const file = example("await stream.writeAll('HELLO\\n')");
    const { port, server } = await helloServer(2 ** 31, 'x');
    try {
      const result = await run(file, { PORT: String(port) });
      expect(result.code).toBe(0);
      expect(result.stderr).toBe(`peer announced ${2 ** 31} bytes\n`);
    } finally {
      server.close();
    }
  });

  it('the Pump.run example', async () => {
    const result = await run(example('pump.run(AbortSignal.timeout'));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('moved 2097152 bytes');
    expect(result.stdout).toContain('the server received 2097152 bytes');
  });

  it('the readInto example reads straight into the chosen buffer', async () => {
    const result = await run(example('stream.readInto(() =>'));
    expect(result.code).toBe(0);
    const m = /^(\d+) bytes, (\d+) of them read straight into the message$/m.exec(result.stdout);
    expect(m?.[1]).toBe(String(256 * 1024));
    // The reader's choice is used: most of the message lands in it without a copy.
    expect(Number(m?.[2])).toBeGreaterThan(128 * 1024);
  });

  describe("dockerpty's loop under a real terminal, stdin → TCP peer → stdout", () => {
    for (const where of ['terminal', 'pipe', 'file'] as const) {
      it(`stdout on a ${where}: every line comes back, stdin's end ends the loop`, async () => {
        const file = example('pumps.filter((p) => !p.eof)');
        // A real peer: upper-cases what it gets, ends its output when its input ended.
        const { port, server } = await serve((socket) => {
          socket.on('data', (chunk: Buffer) => socket.write(chunk.toString().toUpperCase()));
          socket.on('end', () => socket.end());
        });
        const out = join(dir, `loop-${where}.txt`);
        const program = `PORT=${port} ${nodeCommandLine(file)}${where === 'file' ? ` > '${out}'` : ''}`;
        const script = `( ${program}; echo "@@EXIT $?@@" >&2 )${where === 'pipe' ? ' | cat' : ''}`;
        const term = new Terminal(script);
        try {
          term.type('hello sluice\r');
          if (where !== 'file') await term.waitFor(/HELLO SLUICE/);
          term.type('second line\r');
          if (where !== 'file') await term.waitFor(/SECOND LINE/);
          term.type('\x04'); // end of input
          const [, status] = await term.waitFor(/@@EXIT (\d+)@@/);
          expect(status).toBe('0');
          expect(await term.exited).toBe(0);
          if (where === 'file')
            expect(readFileSync(out, 'utf8')).toBe('HELLO SLUICE\nSECOND LINE\n');
          else expect(term.screen).toMatch(/HELLO SLUICE[\s\S]*SECOND LINE/);
        } finally {
          term.kill();
          server.close();
        }
      });
    }
  });

  it('every ts example of the README was run above', () => {
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.map((b) => b.line).filter((line) => !claimed.has(line))).toEqual([]);
  });
});
