// The page's connection to its session: WebSocket bytes → channel messages → terminal
// messages, and back. Keeps message order across async inflation, reconnects after a drop
// (the server keeps the session for its grace period), and measures what the status bar shows.
import {
  decodeTerminalMessage,
  encodeTerminalMessage,
  type TerminalMessage,
} from '@sluice/pty-attach/terminal-messages';
import { canInflate, inflate } from './inflate.js';
import { encodeMessage, MessageReader, type WireMessage } from './wire.js';

/** What the status bar shows. */
export interface LinkStats {
  /** Output bytes the process wrote (after inflation). */
  outputBytes: number;
  /** Bytes that came over the WebSocket (frames, compressed or not). */
  wireBytesIn: number;
  /** Keystroke bytes sent. */
  inputBytes: number;
  /** Last round trip of a ping, in ms. */
  rttMs: number | undefined;
}

/** What the link tells the page. */
export interface LinkHandlers {
  onHello(info: Record<string, unknown>): void;
  /** Output for the screen; call `done` once the screen has taken it (xterm's write callback). */
  onOutput(data: Uint8Array, done: () => void): void;
  onExit(code: number, reason: string | undefined): void;
  onNotice(level: string, text: string): void;
  onState(state: 'connecting' | 'connected' | 'reconnecting' | 'closed'): void;
  onStats(stats: LinkStats): void;
}

/** Credentials and size for the hello. */
export interface LinkOptions {
  token: string | null;
  view: string | null;
  size: () => { rows: number; cols: number };
  /** The session this tab had (sessionStorage), to come back to. */
  session: string | null;
}

/** Pause the server when this many output bytes wait for the screen; resume below LOW. */
const HIGH_WATER = 256 * 1024;
const LOW_WATER = 64 * 1024;
/** Pause the server when more messages than this wait for inflation. */
const MAX_UNDISPATCHED = 2;
const PING_INTERVAL_MS = 2000;
/** Keystrokes kept while the link is down, sent once it is back; beyond this, the oldest go. */
const MAX_HELD_INPUT = 64 * 1024;

export class SessionLink {
  readonly stats: LinkStats = { outputBytes: 0, wireBytesIn: 0, inputBytes: 0, rttMs: undefined };
  readonly #options: LinkOptions;
  readonly #handlers: LinkHandlers;
  #ws: WebSocket | undefined;
  #reader = new MessageReader();
  #order: Promise<void> = Promise.resolve();
  #pending = 0;
  // Messages received but not yet handed to the screen (inflation is async): a flood of
  // small compressed messages would otherwise pile up here, uncounted, far behind.
  #undispatched = 0;
  #paused = false;
  #ended = false;
  #fatal = false;
  #retries = 0;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #pings = new Map<number, number>();
  #nextPing = 1;
  // Typed while reconnecting: sent after the hello, so a dropped connection loses no keys.
  #heldInput: Uint8Array[] = [];
  #heldBytes = 0;
  session: string | null;

  constructor(options: LinkOptions, handlers: LinkHandlers) {
    this.#options = options;
    this.#handlers = handlers;
    this.session = options.session;
  }

  connect(): void {
    const query = new URLSearchParams();
    if (this.#options.token) query.set('token', this.#options.token);
    if (this.#options.view) query.set('view', this.#options.view);
    const ws = new WebSocket(
      `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?${query}`,
    );
    ws.binaryType = 'arraybuffer';
    this.#ws = ws;
    this.#reader = new MessageReader();
    this.#pending = 0;
    this.#undispatched = 0;
    this.#paused = false;
    this.#handlers.onState(this.#retries ? 'reconnecting' : 'connecting');
    ws.onopen = () => {
      this.#retries = 0;
      this.send({
        type: 'hello',
        info: {
          protocol: 1,
          token: this.#options.token ?? undefined,
          view: this.#options.view ?? undefined,
          session: this.session ?? undefined,
          compress: canInflate() ? ['deflate'] : [],
        },
      });
      // The size before anything runs, as ttyd: a new session starts at this size.
      this.send({ type: 'resize', ...this.#options.size() });
      for (const data of this.#heldInput.splice(0)) this.send({ type: 'input', data });
      this.#heldBytes = 0;
      this.#handlers.onState('connected');
      this.#pingTimer = setInterval(() => this.ping(), PING_INTERVAL_MS);
      this.ping();
    };
    ws.onmessage = (event) => this.#receive(new Uint8Array(event.data as ArrayBuffer));
    ws.onclose = () => {
      clearInterval(this.#pingTimer);
      if (this.#ws !== ws) return;
      if (this.#ended || this.#fatal) {
        this.#handlers.onState('closed');
        return;
      }
      // Dropped: come back to the same session while the server keeps it.
      this.#retries++;
      this.#handlers.onState('reconnecting');
      setTimeout(() => this.connect(), Math.min(5000, 250 * 2 ** Math.min(this.#retries, 5)));
    };
  }

  /** Sends one terminal message (nothing when not connected). */
  send(message: TerminalMessage): void {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    ws.send(encodeMessage(encodeTerminalMessage(message)));
  }

  /** Keystrokes (a view link's page sends them too; the server ignores them). */
  input(data: Uint8Array): void {
    this.stats.inputBytes += data.length;
    if (this.#ws?.readyState === WebSocket.OPEN) {
      this.send({ type: 'input', data });
      return;
    }
    if (this.#ended || this.#fatal) return;
    this.#heldInput.push(data);
    this.#heldBytes += data.length;
    while (this.#heldBytes > MAX_HELD_INPUT)
      this.#heldBytes -= this.#heldInput.shift()?.length ?? 0;
  }

  ping(): void {
    const id = this.#nextPing++ >>> 0;
    this.#pings.set(id, performance.now());
    if (this.#pings.size > 32) this.#pings.delete(this.#pings.keys().next().value as number);
    this.send({ type: 'ping', id });
  }

  /** Drops the connection as a network failure would: the link comes back to the session. */
  drop(): void {
    this.#ws?.close();
  }

  /** Closes the connection for good (no reconnect). */
  close(): void {
    this.#fatal = true;
    this.#ws?.close();
  }

  #receive(bytes: Uint8Array): void {
    this.stats.wireBytesIn += bytes.length;
    let messages: WireMessage[];
    try {
      messages = this.#reader.push(bytes);
    } catch (error) {
      this.#handlers.onNotice('error', `The server sent bad frames: ${String(error)}`);
      this.close();
      return;
    }
    for (const m of messages) {
      this.#undispatched++;
      // Inflation is async: a chain keeps the messages in the order they came.
      this.#order = this.#order.then(async () => {
        const payload = m.compressed ? await inflate(m.payload) : m.payload;
        this.#undispatched--;
        this.#dispatch(decodeTerminalMessage(payload));
        this.#flow();
      });
      this.#order = this.#order.catch((error: unknown) => {
        this.#handlers.onNotice('error', `A message from the server was bad: ${String(error)}`);
        this.close();
      });
    }
    this.#flow();
  }

  /** Pauses the server while the screen (or the inflation before it) is behind. */
  #flow(): void {
    const behind = this.#pending > HIGH_WATER || this.#undispatched > MAX_UNDISPATCHED;
    if (!this.#paused && behind) {
      this.#paused = true;
      this.send({ type: 'pause' });
    } else if (this.#paused && this.#pending < LOW_WATER && this.#undispatched === 0) {
      this.#paused = false;
      this.send({ type: 'resume' });
    }
  }

  #dispatch(message: TerminalMessage): void {
    switch (message.type) {
      case 'output': {
        this.stats.outputBytes += message.data.length;
        this.#pending += message.data.length;
        const length = message.data.length;
        this.#handlers.onOutput(message.data, () => {
          this.#pending -= length;
          this.#flow();
        });
        break;
      }
      case 'hello':
        if (typeof message.info.session === 'string') this.session = message.info.session;
        this.#handlers.onHello(message.info);
        break;
      case 'exit':
        this.#ended = true;
        this.#handlers.onExit(message.code, message.reason);
        break;
      case 'notice':
        if (message.level === 'error') this.#fatal = true;
        this.#handlers.onNotice(message.level, message.text);
        break;
      case 'pong': {
        const sent = this.#pings.get(message.id);
        if (sent !== undefined) {
          this.#pings.delete(message.id);
          this.stats.rttMs = performance.now() - sent;
          this.#handlers.onStats(this.stats);
        }
        break;
      }
      case 'ping':
        this.send({ type: 'pong', id: message.id });
        break;
      default:
        break;
    }
  }
}
