// The server's copy of each session's screen: a headless xterm fed the same bytes as the
// page, serialized for a page that comes back (reload, dropped connection). ttyd and wetty
// have no such copy, so their sessions are lost on reload.
import serializeModule from '@xterm/addon-serialize';
import headlessModule from '@xterm/headless';

const { Terminal } = headlessModule;
const { SerializeAddon } = serializeModule;

/** Bytes the mirror may have queued before it holds the process back. */
const MAX_PENDING = 2 * 1024 * 1024;

/** A headless terminal that follows one session's output. */
export class ScreenMirror {
  readonly #terminal: InstanceType<typeof Terminal>;
  readonly #serializer: InstanceType<typeof SerializeAddon>;
  #pending = 0;
  #drained: Array<() => void> = [];

  constructor(rows: number, cols: number, scrollback: number) {
    this.#terminal = new Terminal({ rows, cols, scrollback, allowProposedApi: true });
    this.#serializer = new SerializeAddon();
    this.#terminal.loadAddon(this.#serializer);
  }

  /**
   * Feeds output to the mirror; the promise (when there is one) says the mirror is behind
   * by more than `MAX_PENDING` and the process should wait.
   */
  write(chunk: Uint8Array): Promise<void> | undefined {
    this.#pending += chunk.length;
    this.#terminal.write(chunk, () => {
      this.#pending -= chunk.length;
      if (this.#pending <= MAX_PENDING / 2) for (const wake of this.#drained.splice(0)) wake();
    });
    if (this.#pending <= MAX_PENDING) return undefined;
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  resize(rows: number, cols: number): void {
    this.#terminal.resize(cols, rows);
  }

  /** The screen (and scrollback) as bytes that redraw it, once what was written is parsed. */
  async snapshot(): Promise<Uint8Array> {
    await new Promise<void>((resolve) => this.#terminal.write('', resolve));
    // A fresh page starts at the top left: clear it, then replay screen, modes and cursor.
    const text = this.#serializer.serialize({ scrollback: this.#terminal.options.scrollback });
    return new TextEncoder().encode(text);
  }

  dispose(): void {
    for (const wake of this.#drained.splice(0)) wake();
    this.#terminal.dispose();
  }
}
