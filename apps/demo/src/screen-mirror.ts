// The server's copy of each session's screen: a headless xterm fed the same bytes as the
// page, serialized for a page that comes back (reload, dropped connection). ttyd and wetty
// have no such copy, so their sessions are lost on reload.
//
// Output is fed in batches (what came within FEED_MS, up to FEED_BYTES), one batch parsed
// at a time, with resizes and snapshots in their place in the stream. A flood of plain text
// in a batch is mostly lines that scroll out of the screen and scrollback before the batch
// ends: those are not parsed at all (scrolled-out.ts), so the copy costs little of the CPU
// the page's own xterm spends on the same bytes.
import serializeModule from '@xterm/addon-serialize';
import headlessModule from '@xterm/headless';
import { latestCut, lineFeedsToForget, plainTailStart } from './scrolled-out.js';
import { plainTextIsInert } from './xterm-state.js';

const { Terminal } = headlessModule;
const { SerializeAddon } = serializeModule;

/** Bytes the mirror may have queued before it holds the process back. */
const MAX_PENDING = 2 * 1024 * 1024;
/** A batch goes to the parser once this many bytes wait… */
const FEED_BYTES = 512 * 1024;
/** …or this long after its first chunk came, in ms. */
const FEED_MS = 50;

/** Work for the terminal, in stream order: output, a resize, a snapshot. */
type Op = Uint8Array | { rows: number; cols: number } | (() => void);

/** A headless terminal that follows one session's output. */
export class ScreenMirror {
  readonly #terminal: InstanceType<typeof Terminal>;
  readonly #serializer: InstanceType<typeof SerializeAddon>;
  readonly #ops: Op[] = [];
  // Output bytes not parsed (or skipped) yet, queued or in the terminal; queued only.
  #pending = 0;
  #queued = 0;
  #drained: Array<() => void> = [];
  // A batch is in the terminal: nothing else is handed to it until its callback.
  #busy = false;
  #timer: NodeJS.Timeout | undefined;
  #parsed = 0;
  #disposed = false;
  readonly #feedBytes: number;

  /** `feedBytes`: batch size (tests make it small to cut floods in many places). */
  constructor(rows: number, cols: number, scrollback: number, feedBytes: number = FEED_BYTES) {
    this.#feedBytes = feedBytes;
    this.#terminal = new Terminal({ rows, cols, scrollback, allowProposedApi: true });
    this.#serializer = new SerializeAddon();
    this.#terminal.loadAddon(this.#serializer);
  }

  /** Output bytes handed to the parser so far (the others scrolled out unparsed). */
  get parsedBytes(): number {
    return this.#parsed;
  }

  /**
   * Feeds output to the mirror; the promise (when there is one) says the mirror is behind
   * by more than `MAX_PENDING` and the process should wait.
   */
  write(chunk: Uint8Array): Promise<void> | undefined {
    if (this.#disposed || chunk.length === 0) return undefined;
    this.#ops.push(chunk);
    this.#pending += chunk.length;
    this.#queued += chunk.length;
    this.#schedule(this.#queued >= this.#feedBytes);
    if (this.#pending <= MAX_PENDING) return undefined;
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  /** Resizes the mirror after the output written so far. */
  resize(rows: number, cols: number): void {
    if (this.#disposed) return;
    this.#ops.push({ rows, cols });
    this.#schedule(true);
  }

  /** The screen (and scrollback) as bytes that redraw it, once what was written is parsed. */
  snapshot(): Promise<Uint8Array> {
    return new Promise((resolve) => {
      const take = (): void => {
        // A fresh page starts at the top left: clear it, then replay screen, modes and cursor.
        const text = this.#serializer.serialize({ scrollback: this.#terminal.options.scrollback });
        resolve(new TextEncoder().encode(text));
      };
      if (this.#disposed) {
        take();
        return;
      }
      this.#ops.push(take);
      this.#schedule(true);
    });
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    clearTimeout(this.#timer);
    // Snapshots still waiting get the screen as it is.
    for (const op of this.#ops.splice(0)) if (typeof op === 'function') op();
    for (const wake of this.#drained.splice(0)) wake();
    this.#terminal.dispose();
  }

  #schedule(now: boolean): void {
    if (this.#busy || this.#disposed) return;
    if (now) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#feed();
    } else {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.#feed();
      }, FEED_MS);
    }
  }

  // Runs the ops at the head of the queue: resizes and snapshots at once, then one batch of
  // output, whose callback comes back here.
  #feed(): void {
    if (this.#busy || this.#disposed) return;
    for (let op = this.#ops[0]; op && !(op instanceof Uint8Array); op = this.#ops[0]) {
      this.#ops.shift();
      if (typeof op === 'function') op();
      else this.#terminal.resize(op.cols, op.rows);
    }
    const parts: Uint8Array[] = [];
    let length = 0;
    while (this.#ops[0] instanceof Uint8Array && length < this.#feedBytes) {
      const part = this.#ops.shift() as Uint8Array;
      parts.push(part);
      length += part.length;
    }
    if (length === 0) return;
    this.#queued -= length;
    this.#busy = true;
    this.#parse(join(parts, length), () => {
      this.#busy = false;
      this.#pending -= length;
      if (this.#pending <= MAX_PENDING / 2) for (const wake of this.#drained.splice(0)) wake();
      const next = this.#ops[0];
      if (next !== undefined)
        this.#schedule(!(next instanceof Uint8Array) || this.#queued >= this.#feedBytes);
    });
  }

  // Hands `batch` to the terminal, without the part of its plain tail that would scroll out
  // of screen and scrollback before the batch ends, when that is provably so.
  #parse(batch: Uint8Array, done: () => void): void {
    const term = this.#terminal;
    const tail = plainTailStart(batch);
    const forget = (): number => lineFeedsToForget(term.rows, term.options.scrollback ?? 0);
    const write = (from: number, to: number, then: () => void): void => {
      this.#parsed += to - from;
      term.write(batch.subarray(from, to), then);
    };
    // Called once the terminal has parsed everything before `from`: its state is the one
    // the bytes from there on meet.
    const writeTail = (from: number, retry: boolean): void => {
      const cut = plainTextIsInert(term) ? latestCut(batch, from, forget()) : -1;
      if (cut > from) write(cut, batch.length, done);
      else if (cut < 0 && retry) {
        // The tail may begin with the end of an escape sequence (`ESC` then `[0m` in the
        // tail): the state after its first line is worth a second look.
        const line = batch.indexOf(0x0a, from);
        if (line < 0) write(from, batch.length, done);
        else write(from, line + 1, () => writeTail(line + 1, false));
      } else write(from, batch.length, done);
    };
    // Too short a tail to drop anything: one write.
    if (batch.length - tail <= forget()) write(0, batch.length, done);
    else if (tail > 0) write(0, tail, () => writeTail(tail, true));
    else writeTail(0, true);
  }
}

function join(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
