// `npm start` runs the demo's server: it must say where it listens (with the access token),
// that address must serve the terminal page, and the same address without the token must not.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const server = fileURLToPath(new URL('../dist/server.js', import.meta.url));
let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill();
});

function firstLine(proc: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    proc.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\n');
      if (end >= 0) resolve(text.slice(0, end));
    });
    proc.once('exit', (code) =>
      reject(new Error(`the demo exited (${code}) before printing: ${text}`)),
    );
  });
}

describe('npm start (the demo server)', () => {
  it('prints where it listens, and that address serves the page', async () => {
    expect(existsSync(server), 'the test command builds the demo before testing').toBe(true);
    child = spawn(process.execPath, [server, '--mode', 'local'], {
      env: { ...process.env, PORT: '0' },
    });
    const line = await firstLine(child);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{22})$/.exec(line)?.[1];
    expect(url, line).toBeDefined();
    const res = await fetch(url as string);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<script type="module" src="/app.js">');
    const bundle = await fetch(new URL('/app.js', url));
    expect(bundle.status, 'the page bundle is served from dist/page').toBe(200);
    expect((await fetch(new URL('/', url))).status).toBe(401);
  });
});
