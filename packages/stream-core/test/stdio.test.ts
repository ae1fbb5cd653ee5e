// Issue 13, defect 1, run as a user runs a program: under a real pseudo-terminal, with stdout
// on the terminal, on a pipe and on a regular file. (Defect 2, the README's two-pump loop, is
// run from the README itself in readme.test.ts.)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, nodeCommandLine, Terminal } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-stdio-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Where = 'terminal' | 'pipe' | 'file';
const WHERE: Where[] = ['terminal', 'pipe', 'file'];

// The program's stdout on the terminal, through a pipe (`| cat` shows it on the terminal),
// or in a file (read once the program ended).
function redirect(where: Where, file: string): string {
  if (where === 'pipe') return ' | cat';
  if (where === 'file') return ` > '${file}'`;
  return '';
}

async function stdoutOf(term: Terminal, where: Where, file: string): Promise<string> {
  expect(await term.exited).toBe(0);
  return where === 'file' ? readFileSync(file, 'utf8') : term.screen;
}

describe('new Stream(fd) reads a descriptor only once asked to (issue 13, defect 1)', () => {
  for (const where of WHERE) {
    it(`a program wrapping fd 0 and fd 1 gets every keystroke; stdout on a ${where} works`, async () => {
      const out = join(dir, `keys-${where}.txt`);
      const term = new Terminal(
        `${nodeCommandLine(fixture('keys.ts'), ['26'])}${redirect(where, out)}`,
      );
      try {
        await term.waitFor(/@@READY@@/);
        const letters = 'abcdefghijklmnopqrstuvwxyz';
        for (let i = 0; i < letters.length; i++) {
          const from = term.screen.length;
          term.type(letters[i]!);
          // Each keystroke is acknowledged by the program before the next is typed: a
          // keystroke taken by another reader of the terminal never arrives, and this fails.
          await term.waitFor(new RegExp(`#${i + 1}#`), from, 5000);
        }
        expect(await stdoutOf(term, where, out)).toContain(`keys:${letters}`);
      } finally {
        term.kill();
      }
    });
  }
});
