// A progress line on stderr for long transfers: bytes and bytes/s, redrawn in place, and only
// when stderr is a terminal (a log file or a pipe gets nothing). It appears after the
// transfer has run for a second, so short transfers never flash one.
import type { CliIo } from './io.js';

const SHOW_AFTER_MS = 1000;
const REDRAW_MS = 250;

/** Counts bytes of a transfer and shows them while it runs. */
export interface Progress {
  /** Adds `n` transferred bytes. */
  add(n: number): void;
  /** Removes the line (the transfer is over). */
  stop(): void;
}

/** `1234567` → `1.2 MiB`. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A progress line labelled `label`, or a no-op when `io.err` is not a terminal. */
export function startProgress(
  io: CliIo,
  label: string,
  enabled: boolean = io.errIsTty === true,
): Progress {
  if (!enabled) return { add: () => {}, stop: () => {} };
  const started = performance.now();
  let bytes = 0;
  let shown = false;
  const draw = (): void => {
    const seconds = (performance.now() - started) / 1000;
    if (seconds * 1000 < SHOW_AFTER_MS) return;
    shown = true;
    io.err(`\r${label}: ${formatBytes(bytes)}, ${formatBytes(bytes / seconds)}/s\x1b[K`);
  };
  const timer = setInterval(draw, REDRAW_MS);
  timer.unref();
  return {
    add: (n) => {
      bytes += n;
    },
    stop: () => {
      clearInterval(timer);
      if (shown) io.err('\r\x1b[K');
    },
  };
}
