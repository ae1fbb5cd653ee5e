// Output that scrolls out of the mirror before anyone could see it need not be parsed.
//
// Take a run of plain bytes (printable ASCII, CR, LF) that starts with the parser in its
// ground state, in the normal buffer with no scroll region (see `plainTextIsInert`). Such
// bytes change nothing but the buffer's cells and the cursor: no mode, attribute, charset or
// parser state. Cut the run at a CR and drop what comes before it. From the CR on, the
// cursor's column is the same with or without the dropped part (CR sets it to 0; printing,
// wrapping and LF move it by rules that do not look at the row or the cells). After rows - 1
// more LFs the cursor is on the bottom row either way, so every later LF scrolls. After
// rows + scrollback such scrolls, no line that existed at that point is left in the screen or
// the scrollback: everything there was written after it, by the same bytes in the same
// state. Screen, scrollback and cursor are then the same as if the whole run was parsed.
const CR = 0x0d;
const LF = 0x0a;

/** True for the bytes the argument above covers: printable ASCII, CR and LF. */
function isPlain(byte: number): boolean {
  return (byte >= 0x20 && byte <= 0x7e) || byte === CR || byte === LF;
}

/** Where the run of plain bytes that ends `bytes` starts (`bytes.length` when there is none). */
export function plainTailStart(bytes: Uint8Array): number {
  let i = bytes.length;
  while (i > 0 && isPlain(bytes[i - 1] as number)) i--;
  return i;
}

/** LFs after a CR that push every line existing before it out of screen and scrollback. */
export function lineFeedsToForget(rows: number, scrollback: number): number {
  return rows - 1 + rows + scrollback;
}

/**
 * The offset of the latest CR at or after `from` that at least `lineFeeds` LFs follow, or -1.
 * Everything in `bytes` from `from` on must be plain (`plainTailStart`).
 */
export function latestCut(bytes: Uint8Array, from: number, lineFeeds: number): number {
  let count = 0;
  let i = bytes.length - 1;
  for (; i >= from && count < lineFeeds; i--) if (bytes[i] === LF) count++;
  if (count < lineFeeds) return -1;
  for (; i >= from; i--) if (bytes[i] === CR) return i;
  return -1;
}
