// The TypeScript examples of a README, with the marker that says how each is checked.
//
// The convention (also in this package's README): a ```ts or ```typescript fence is an
// example. The nearest non-blank line before its fence may be a marker,
//   <!-- example: fragment -->          a piece of a larger program: names it does not define
//                                       are allowed (they are the surrounding prose's), and so
//                                       untyped parameters of callbacks given to them; not run
//   <!-- example: needs docker -->      complete, type-checked, not run: it needs something
//                                       outside the process (docker, ssh, network, a tty, …)
// or both, comma-separated (`fragment, needs docker`). An unmarked example is a complete
// ES module: it is type-checked and run with node, and must exit 0 on its own.

/** How an example is checked. */
export interface ExampleMarks {
  /** Names the block does not define are allowed; it is not run. */
  fragment: boolean;
  /** What the example needs from outside the process; non-empty means it is not run. */
  needs: string[];
}

/** One TypeScript block of a README. */
export interface Example {
  /** The README's path, relative to the repository root. */
  readme: string;
  /** 1-based line of the opening fence in the README. */
  fenceLine: number;
  /** The block's code, with the fence's indentation removed. */
  code: string;
  marks: ExampleMarks;
}

/** A marker that does not follow the convention. */
export class MarkerError extends Error {
  override name = 'MarkerError';
}

const fence = /^(\s*)```\s*([\w-]*)\s*$/;
const marker = /^\s*<!--\s*example:(.*?)-->\s*$/;

/** Parses a marker's text (`fragment, needs docker`) into marks. */
export function parseMarks(text: string, where: string): ExampleMarks {
  const marks: ExampleMarks = { fragment: false, needs: [] };
  for (const raw of text.split(',')) {
    const tag = raw.trim();
    if (tag === 'fragment') marks.fragment = true;
    else if (/^needs \S/.test(tag)) marks.needs.push(tag.slice('needs '.length).trim());
    else {
      throw new MarkerError(
        `${where}: unknown example marker "${tag}"; use "fragment" or "needs <what>" ` +
          '(see tools/repo-checks/README.md)',
      );
    }
  }
  return marks;
}

/** Every ```ts block of a README's text, in order. */
export function extractExamples(readme: string, text: string): Example[] {
  const lines = text.split('\n');
  const examples: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = fence.exec(lines[i] ?? '');
    if (!open) continue;
    const indent = open[1] ?? '';
    const close = lines.findIndex((l, j) => j > i && fence.test(l) && l.trim() === '```');
    const end = close === -1 ? lines.length : close;
    const language = open[2] ?? '';
    if (language === 'ts' || language === 'typescript') {
      const body = lines
        .slice(i + 1, end)
        .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l.trimStart()));
      let before = i - 1;
      while (before >= 0 && (lines[before] ?? '').trim() === '') before--;
      const mark = marker.exec(lines[before] ?? '');
      const where = `${readme}:${i + 1}`;
      examples.push({
        readme,
        fenceLine: i + 1,
        code: `${body.join('\n')}\n`,
        marks: mark ? parseMarks(mark[1] ?? '', where) : { fragment: false, needs: [] },
      });
    }
    i = end;
  }
  return examples;
}

/** Whether the check runs an example (complete and needing nothing outside the process). */
export function runs(example: Example): boolean {
  return !example.marks.fragment && example.marks.needs.length === 0;
}
