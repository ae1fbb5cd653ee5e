// The status bar: target, bytes in and out, raw versus wire (the compression ratio), and
// the round trip of the last ping.
import type { LinkStats } from './session-link.js';

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function element(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el;
}

/** Writes the status bar's fields. */
export class StatusBar {
  readonly #state = element('status-state');
  readonly #target = element('status-target');
  readonly #bytes = element('status-bytes');
  readonly #wire = element('status-wire');
  readonly #rtt = element('status-rtt');
  readonly #view = element('status-view') as HTMLAnchorElement;

  state(text: string): void {
    this.#state.textContent = text;
    this.#state.dataset.state = text.split(' ')[0];
  }

  target(text: string): void {
    this.#target.textContent = text;
  }

  viewLink(href: string | undefined): void {
    this.#view.hidden = href === undefined;
    if (href) this.#view.href = href;
  }

  stats(s: LinkStats): void {
    this.#bytes.textContent = `in ${size(s.outputBytes)} · out ${size(s.inputBytes)}`;
    const ratio = s.wireBytesIn > 0 ? s.outputBytes / s.wireBytesIn : 1;
    this.#wire.textContent = `wire ${size(s.wireBytesIn)} (${ratio.toFixed(1)}×)`;
    this.#rtt.textContent = s.rttMs === undefined ? 'rtt –' : `rtt ${s.rttMs.toFixed(1)} ms`;
  }
}
