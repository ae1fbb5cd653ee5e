// Resizing the container's TTY as the CLI does: right after start, retried up to 10 times
// with (n+1)×10 ms pauses (the process may not have its TTY yet); never to 0×0.

/** Rows and columns of a terminal. */
export interface TerminalSize {
  rows: number;
  cols: number;
}

/** Sends one resize; rejects when the engine refuses. */
export type ResizeFn = (size: TerminalSize) => Promise<void>;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** True for a size worth sending (the CLI skips 0×0). */
export function isUsableSize(size: TerminalSize | undefined): size is TerminalSize {
  return size !== undefined && size.rows > 0 && size.cols > 0;
}

/** The initial resize with the CLI's retries; resolves false if every attempt failed. */
export async function resizeWithRetries(
  resize: ResizeFn,
  size: TerminalSize,
  retries = 10,
): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await resize(size);
      return true;
    } catch {
      if (attempt >= retries) return false;
      await sleep((attempt + 1) * 10);
    }
  }
}
