// The page: xterm.js fitted to the window, wired to the session through SessionLink, with a
// status bar. A view link (?view=…) shows the session and takes no keystrokes.
import { decodeTerminalMessage, encodeTerminalMessage } from '@sluice/pty-attach/terminal-messages';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { SessionLink } from './session-link.js';
import { StatusBar } from './status-bar.js';
import { encodeMessage, MessageReader } from './wire.js';

const SESSION_KEY = 'sluice-demo:session';
const query = new URLSearchParams(location.search);
const token = query.get('token');
const view = query.get('view');
const readOnly = token === null;

const term = new Terminal({
  cursorBlink: !readOnly,
  disableStdin: readOnly,
  fontFamily: 'DejaVu Sans Mono, Menlo, Consolas, monospace',
  fontSize: 14,
  scrollback: 1000,
});
const fit = new FitAddon();
term.loadAddon(fit);
const container = document.getElementById('terminal') as HTMLElement;
term.open(container);
fit.fit();

const status = new StatusBar();
const banner = document.getElementById('banner') as HTMLElement;
const encoder = new TextEncoder();
let exited = false;

function notice(level: string, text: string): void {
  banner.hidden = false;
  banner.dataset.level = level;
  banner.textContent = text;
  (level === 'error' ? console.error : console.warn)(`sluice demo: ${text}`);
}

const link = new SessionLink(
  {
    token,
    view,
    size: () => ({ rows: term.rows, cols: term.cols }),
    session: readOnly ? null : sessionStorage.getItem(SESSION_KEY),
  },
  {
    onHello(info) {
      status.target(String(info.target ?? ''));
      if (typeof info.session === 'string') sessionStorage.setItem(SESSION_KEY, info.session);
      if (info.resumed) term.reset();
      status.viewLink(
        typeof info.view === 'string' ? `${location.origin}/?view=${info.view}` : undefined,
      );
      status.state(readOnly ? 'viewing (read-only)' : info.resumed ? 'resumed' : 'connected');
    },
    onOutput(data, done) {
      term.write(data, done);
    },
    onExit(code, reason) {
      exited = true;
      sessionStorage.removeItem(SESSION_KEY);
      term.write(`\r\n[process exited with code ${code}${reason ? `: ${reason}` : ''}]\r\n`);
      status.state(`exited with code ${code}`);
    },
    onNotice: notice,
    onState(state) {
      // After the exit the status keeps saying how it ended.
      if (state !== 'connected' && !exited) status.state(state);
    },
    onStats(stats) {
      status.stats(stats);
    },
  },
);

term.onData((text) => {
  if (!readOnly) link.input(encoder.encode(text));
});
term.onBinary((text) => {
  if (!readOnly) link.input(Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff));
});
term.onResize(({ rows, cols }) => {
  if (!readOnly) link.send({ type: 'resize', rows, cols });
});
new ResizeObserver(() => fit.fit()).observe(container);
setInterval(() => status.stats(link.stats), 500);

// Before the first connect: a reload lands here again and must find the same handle.
Object.assign(globalThis, {
  sluiceDemo: {
    term,
    link,
    codec: { encodeTerminalMessage, decodeTerminalMessage, encodeMessage, MessageReader },
  },
});
link.connect();
term.focus();
