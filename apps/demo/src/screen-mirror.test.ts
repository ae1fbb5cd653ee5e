// The mirror against a headless xterm fed every byte: the same screen, scrollback and
// cursor (serialized) whatever the output, while a flood of plain lines is mostly not parsed.
import serializeModule from '@xterm/addon-serialize';
import headlessModule from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import { ScreenMirror } from './screen-mirror.js';

const { Terminal } = headlessModule;
const { SerializeAddon } = serializeModule;

type Op = Uint8Array | { rows: number; cols: number } | 'snapshot';

/** Every byte parsed, every op in order: what the mirror must look like. */
async function reference(rows: number, cols: number, scrollback: number, ops: Op[]) {
  const term = new Terminal({ rows, cols, scrollback, allowProposedApi: true });
  const serializer = new SerializeAddon();
  term.loadAddon(serializer);
  const snapshots: string[] = [];
  for (const op of ops) {
    if (op instanceof Uint8Array) await new Promise<void>((r) => term.write(op, r));
    else if (op === 'snapshot') snapshots.push(serializer.serialize({ scrollback }));
    else term.resize(op.cols, op.rows);
  }
  snapshots.push(serializer.serialize({ scrollback }));
  term.dispose();
  return snapshots;
}

async function mirrored(
  rows: number,
  cols: number,
  scrollback: number,
  ops: Op[],
  feedBytes?: number,
) {
  const mirror = new ScreenMirror(rows, cols, scrollback, feedBytes);
  const snapshots: Promise<Uint8Array>[] = [];
  for (const op of ops) {
    if (op instanceof Uint8Array) await mirror.write(op);
    else if (op === 'snapshot') snapshots.push(mirror.snapshot());
    else mirror.resize(op.rows, op.cols);
  }
  snapshots.push(mirror.snapshot());
  const text = (await Promise.all(snapshots)).map((s) => new TextDecoder().decode(s));
  const parsed = mirror.parsedBytes;
  mirror.dispose();
  return { snapshots: text, parsed };
}

/** A small seeded generator (mulberry32), so a failure names a seed that replays it. */
function random(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const ESC = '\x1b';
// Pieces of terminal output: plain floods, and everything that changes how plain text lands.
const pieces: Array<(r: (n: number) => number) => string | Uint8Array> = [
  (r) => 'y\r\n'.repeat(r(80)),
  (r) => `${'x'.repeat(r(70))}\r\n`.repeat(r(30)),
  (r) => 'ab\n'.repeat(r(40)),
  (r) => '\n'.repeat(r(30)),
  (r) => '\r'.repeat(r(3)),
  (r) => `${ESC}[${30 + r(8)}m`,
  (r) => `${ESC}[${40 + r(8)}m`,
  () => `${ESC}[0m`,
  () => `${ESC}[H`,
  (r) => `${ESC}[${1 + r(6)}A`,
  (r) => `${ESC}[${1 + r(8)};${1 + r(20)}H`,
  (r) => `${ESC}[${1 + r(3)};${3 + r(4)}r`,
  () => `${ESC}[r`,
  () => `${ESC}[?1049h`,
  () => `${ESC}[?1049l`,
  () => `${ESC}]0;title\x07`,
  () => `${ESC}]0;unterminated `,
  () => '\x07',
  () => `${ESC}]8;;https://example.com/\x07link`,
  () => `${ESC}]8;;\x07`,
  () => 'é€',
  // Half a character: the lead byte of € alone.
  () => Uint8Array.of(0xe2),
  () => `${ESC}[4h`,
  () => `${ESC}[4l`,
  () => `${ESC}[?7l`,
  () => `${ESC}[?7h`,
  () => `${ESC}(0`,
  () => `${ESC}(B`,
  () => '\x0e',
  () => '\x0f',
  () => `${ESC}[2J`,
  () => `${ESC}[3J`,
  () => `${ESC}7`,
  () => `${ESC}8`,
  (r) => `${ESC}[${r(9)}b`,
  () => '\t',
  () => `${ESC}[`,
  () => `${ESC}P1$r`,
  () => `${ESC}\\`,
  () => `${ESC}[20h`,
  () => `${ESC}[20l`,
  // What ends the states in which nothing is skipped comes more often than what starts them,
  // so that most floods meet a state that allows skipping.
  ...Array.from({ length: 3 }, () => [
    () => `${ESC}[r`,
    () => `${ESC}[?1049l`,
    () => '\x07',
    () => `${ESC}\\`,
    () => `${ESC}]8;;\x07`,
  ]).flat(),
];

/** A stream of pieces, cut anywhere into chunks, with resizes and snapshots between. */
function stream(seed: number) {
  const r = random(seed);
  const rows = 3 + r(6);
  const cols = 10 + r(25);
  const scrollback = [1, 5, 20][r(3)] as number;
  const parts: Uint8Array[] = [];
  for (let i = 0; i < 200; i++) {
    // Mostly floods, so that cuts happen between everything else.
    const piece = (pieces[r(3) === 0 ? r(pieces.length) : r(2)] as (typeof pieces)[number])(r);
    parts.push(typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece);
  }
  const bytes = Buffer.concat(parts);
  const ops: Op[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + r(r(4) === 0 ? 20 : 3000);
    ops.push(bytes.subarray(at, at + size));
    at += size;
    const roll = r(20);
    if (roll === 0) ops.push({ rows: 3 + r(6), cols: 10 + r(25) });
    else if (roll === 1) ops.push('snapshot');
  }
  // Batches of a few hundred bytes to a few KiB: floods cut in many places.
  return { rows, cols, scrollback, ops, feedBytes: 200 + r(4000) };
}

describe('ScreenMirror', () => {
  it('shows what a terminal fed every byte shows, whatever the output (200 seeded streams)', async () => {
    let total = 0;
    let parsed = 0;
    let skipped = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const { rows, cols, scrollback, ops, feedBytes } = stream(seed);
      const expected = await reference(rows, cols, scrollback, ops);
      const got = await mirrored(rows, cols, scrollback, ops, feedBytes);
      expect(got.snapshots, `seed ${seed}`).toEqual(expected);
      let bytes = 0;
      for (const op of ops) if (op instanceof Uint8Array) bytes += op.length;
      total += bytes;
      parsed += got.parsed;
      if (got.parsed < bytes) skipped++;
    }
    // Not vacuous: most streams had part of a flood skipped, and still looked the same.
    expect(skipped, 'streams with bytes skipped').toBeGreaterThan(150);
    expect(parsed / total).toBeLessThan(0.95);
  }, 120_000);

  it('shows the old lines a flood after the cursor went home still leaves in view', async () => {
    // The cut must leave every line that was on the screen (or in the scrollback) when the
    // cursor went up: here a flood of every length after `ESC [ H` over a full screen.
    for (const [rows, scrollback] of [
      [3, 1],
      [5, 3],
      [8, 2],
    ] as const) {
      for (let lines = 1; lines < 40; lines++) {
        // Every row holds old text, the bottom one too.
        const full = Array.from({ length: rows + scrollback + 2 }, () => 'A'.repeat(19)).join(
          '\r\n',
        );
        // Two batches: the flood meets the cursor on the top row, old lines below it.
        const ops: Op[] = [
          new TextEncoder().encode(`${full}${ESC}[H`),
          new TextEncoder().encode(`\rb${'\r\nb'.repeat(lines)}`),
        ];
        const expected = await reference(rows, 20, scrollback, ops);
        const got = await mirrored(rows, 20, scrollback, ops, 1);
        expect(got.snapshots, `${rows} rows, ${scrollback} of scrollback, ${lines} lines`).toEqual(
          expected,
        );
      }
    }
  });

  it('parses a small part of a flood of lines, with the same screen and scrollback', async () => {
    const chunk = new TextEncoder().encode('y\r\n'.repeat(1365));
    const ops: Op[] = [new TextEncoder().encode(`${ESC}[31mprompt$ ${ESC}[0m\r\n`)];
    for (let i = 0; i < 250; i++) ops.push(chunk);
    ops.push(new TextEncoder().encode('done-42\r\n'));
    const expected = await reference(24, 80, 1000, ops);
    const got = await mirrored(24, 80, 1000, ops);
    expect(got.snapshots).toEqual(expected);
    expect(got.snapshots.at(-1)).toContain('done-42');
    expect(got.parsed, 'bytes parsed of 1 MB').toBeLessThan(0.1 * 250 * chunk.length);
  });
});
