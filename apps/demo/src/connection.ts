// One browser connection: channel frames over the WebSocket stream, terminal messages in
// them. The page says hello (its credentials, what it can inflate, the session it had),
// then its size; the server answers hello and streams the screen. Flow control: output waits
// while the page says pause, and every send waits for the WebSocket to take it.
import { Channel } from '@sluice/channel';
import {
  decodeTerminalMessage,
  encodeTerminalData,
  encodeTerminalMessage,
  type NoticeLevel,
  type TerminalMessage,
} from '@sluice/pty-attach/terminal-messages';
import { type ByteStream, ConnectionLostError, StreamClosedError } from '@sluice/stream-core';
import { sameToken } from './auth.js';
import type { SessionRegistry } from './sessions.js';
import type { SessionClient, TerminalSession } from './terminal-session.js';

/** The version of the page ↔ server conversation (in both hellos). */
export const PROTOCOL_VERSION = 1;

/** What a connection needs from its server. */
export interface ConnectionContext {
  registry: SessionRegistry;
  /** The access token of writing pages. */
  token: string;
  /** Offer deflate to pages that can inflate it. */
  compress: boolean;
  /** Time a page has for its hello and size, in ms. */
  helloTimeoutMs: number;
  /** Told about each connection's problems (the server prints them). */
  log: (message: string) => void;
}

/** Largest message a page may send (a paste), in bytes. */
const MAX_PAGE_MESSAGE = 1024 * 1024;
/** Output messages are compressed from this size on. */
const COMPRESS_THRESHOLD = 256;

/** Output bytes queued for one page before the process is held back. */
const MAX_QUEUED = 128 * 1024;
/** Largest output message: queued chunks are joined up to this size (the channel deflates up to 64 KiB in line, larger ones on the thread pool). */
const MAX_OUTPUT_MESSAGE = 64 * 1024;
/** How long bulk output waits to gather after its first chunk, in ms. */
const GATHER_MS = 8;
/** Output counts as bulk when at least GATHER_FROM bytes left within the last 1–2 windows of this many ms. */
const BULK_WINDOW_MS = 10;
/** Bytes sent within that time that make output bulk: a flood in 4 KiB pty reads or in a container's reads of a few hundred bytes, never keystroke echoes. */
const GATHER_FROM = 1024;

type Queued = Uint8Array | Promise<Uint8Array> | { exit: number; reason: string | undefined };

class PageConnection implements SessionClient {
  readonly readOnly: boolean;
  readonly #sender: Channel;
  // Output waits here while a send is in flight: a pty hands out a few KiB per read, and one
  // message per read would cost the page more than the bytes do.
  readonly #queue: Queued[] = [];
  #queued = 0;
  #pumping = false;
  #lastSend = 0;
  // Bytes sent in the current window (from #windowStart) and in the one before it.
  #windowStart = 0;
  #windowBytes = 0;
  #previousWindowBytes = 0;
  // When the oldest queued output chunk came, and who to tell once a message is full.
  #batchSince = 0;
  #gathered: (() => void) | undefined;
  #paused = false;
  #wake: Array<() => void> = [];
  #gone = false;

  constructor(sender: Channel, readOnly: boolean) {
    this.#sender = sender;
    this.readOnly = readOnly;
  }

  send(message: TerminalMessage): Promise<void> {
    if (this.#gone) return Promise.resolve();
    return this.#sender.send(encodeTerminalMessage(message)).catch(() => this.gone());
  }

  sendOutput(chunk: Uint8Array | Promise<Uint8Array>): Promise<void> | undefined {
    if (this.#gone) return undefined;
    if (this.#queued === 0) this.#batchSince = performance.now();
    this.#queue.push(chunk);
    if (chunk instanceof Uint8Array) this.#queued += chunk.length;
    if (this.#queued >= MAX_OUTPUT_MESSAGE) this.#gathered?.();
    this.#pump();
    return this.#mayTakeMore() ? undefined : this.#until(() => this.#mayTakeMore());
  }

  sendExit(code: number, reason: string | undefined): Promise<void> {
    this.#queue.push({ exit: code, reason });
    this.#pump();
    return this.#until(() => this.#gone);
  }

  notice(level: NoticeLevel, text: string): Promise<void> {
    return this.send({ type: 'notice', level, text });
  }

  pause(paused: boolean): void {
    this.#paused = paused;
    if (!paused) this.#signal();
  }

  /** The connection is over: nothing waits for this page any more. */
  gone(): void {
    this.#gone = true;
    this.#queue.length = 0;
    this.#queued = 0;
    this.#signal();
  }

  #mayTakeMore(): boolean {
    return this.#gone || (!this.#paused && this.#queued <= MAX_QUEUED);
  }

  #until(ready: () => boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      const check = (): void => {
        if (ready()) resolve();
        else this.#wake.push(check);
      };
      check();
    });
  }

  #signal(): void {
    for (const wake of this.#wake.splice(0)) wake();
  }

  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    void this.#drain();
  }

  async #drain(): Promise<void> {
    await this.#drainQueue().catch(() => {
      // Only a broken connection throws here: the page is gone, nothing is sent any more.
      this.#pumping = false;
      this.gone();
    });
  }

  /** Bytes sent in this window and the one before, the windows moved on to `now`. */
  #recentBytes(now: number): number {
    const windows = Math.floor((now - this.#windowStart) / BULK_WINDOW_MS);
    if (windows > 0) {
      this.#previousWindowBytes = windows === 1 ? this.#windowBytes : 0;
      this.#windowBytes = 0;
      this.#windowStart += windows * BULK_WINDOW_MS;
    }
    return this.#windowBytes + this.#previousWindowBytes;
  }

  async #drainQueue(): Promise<void> {
    for (;;) {
      // The flag drops in the very turn the queue is found empty: a chunk queued after
      // that starts a new drain (one turn later, it would be stranded).
      if (this.#queue.length === 0 || this.#gone) {
        this.#pumping = false;
        return;
      }
      if (this.#paused) {
        await this.#until(() => !this.#paused);
        continue;
      }
      const head = this.#queue[0] as Queued;
      if (head instanceof Promise) {
        // A screen being restored: everything queued after it waits for it.
        const data = await head;
        this.#queue.shift();
        if (data.length > 0) await this.send({ type: 'output', data });
      } else if (head instanceof Uint8Array) {
        // Bulk output (a flood: GATHER_FROM bytes sent in the last 10–20 ms, however small
        // the reads) gathers into messages of up to MAX_OUTPUT_MESSAGE, for at most
        // GATHER_MS after its first chunk: fewer messages for the page, fewer system calls
        // here. Echoes and other small output go at once.
        const now = performance.now();
        if (this.#queued < MAX_OUTPUT_MESSAGE && this.#recentBytes(now) >= GATHER_FROM) {
          const wait = this.#batchSince + GATHER_MS - now;
          if (wait > 0) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(() => {
                this.#gathered = undefined;
                resolve();
              }, wait);
              this.#gathered = () => {
                clearTimeout(timer);
                this.#gathered = undefined;
                resolve();
              };
            });
            continue;
          }
        }
        this.#lastSend = performance.now();
        const parts: Uint8Array[] = [];
        let length = 0;
        while (this.#queue[0] instanceof Uint8Array) {
          const next = this.#queue[0] as Uint8Array;
          if (parts.length > 0 && length + next.length > MAX_OUTPUT_MESSAGE) break;
          parts.push(next);
          length += next.length;
          this.#queue.shift();
        }
        this.#recentBytes(this.#lastSend);
        this.#windowBytes += length;
        if (!this.#gone) {
          await this.#sender.send(encodeTerminalData('output', parts)).catch(() => this.gone());
        }
        this.#queued -= length;
        // What came during the send waits from the send on, not from before it.
        if (this.#queued > 0) this.#batchSince = this.#lastSend;
      } else {
        this.#queue.shift();
        await this.send(
          head.reason
            ? { type: 'exit', code: head.exit, reason: head.reason }
            : { type: 'exit', code: head.exit },
        );
        await this.#sender.close().catch(() => undefined);
        this.gone();
      }
      this.#signal();
    }
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Serves one accepted WebSocket stream until it closes. Never rejects. */
export async function serveConnection(stream: ByteStream, ctx: ConnectionContext): Promise<void> {
  const reader = new Channel(stream, { maxMessageSize: MAX_PAGE_MESSAGE });
  const next = async (what: string): Promise<TerminalMessage> =>
    decodeTerminalMessage(await withTimeout(reader.recv(), ctx.helloTimeoutMs, what));
  let page: PageConnection | undefined;
  let session: TerminalSession | undefined;
  try {
    const hello = await next('hello');
    if (hello.type !== 'hello') throw new Error(`the first message was ${hello.type}, not hello`);
    const info = hello.info;
    const viewer = typeof info.view === 'string' ? ctx.registry.byViewToken(info.view) : undefined;
    const writer = sameToken(info.token as string | undefined, ctx.token);
    const deflate =
      ctx.compress && Array.isArray(info.compress) && info.compress.includes('deflate');
    // One channel reads; sends go through a deflating one when the page can inflate. Both
    // share the stream: a Channel reads only when asked to.
    const sender = deflate
      ? new Channel(stream, {
          // Level 1: terminal output is repetitive, the fastest level takes most of the gain.
          compress: { algorithm: 'deflate', level: 1, threshold: COMPRESS_THRESHOLD },
          maxMessageSize: MAX_PAGE_MESSAGE,
        })
      : reader;
    page = new PageConnection(sender, !writer);
    if (!writer && !viewer) {
      await page.notice('error', 'This link has no valid access token (or its session ended).');
      return;
    }
    let resumed = false;
    let fallback: string | undefined;
    if (writer) {
      const previous = ctx.registry.get(info.session);
      if (previous) {
        session = previous;
        resumed = true;
      } else {
        const size = await next('terminal size');
        if (size.type !== 'resize') throw new Error(`expected the terminal size, got ${size.type}`);
        if (ctx.registry.size >= ctx.registry.limit) {
          await page.notice('error', limitText(ctx.registry.limit));
          return;
        }
        const client = page;
        const created = await ctx.registry.create(size.rows, size.cols, (s) => {
          session = s;
          s.attach(client, false);
        });
        if (!created) {
          await page.notice('error', limitText(ctx.registry.limit));
          return;
        }
        fallback = created.fallback;
      }
    } else session = viewer;
    if (!session) return;
    await page.send({
      type: 'hello',
      info: {
        protocol: PROTOCOL_VERSION,
        session: writer ? session.id : undefined,
        view: writer ? session.viewToken : undefined,
        target: session.target,
        readOnly: !writer,
        compress: deflate ? 'deflate' : null,
        resumed,
        maxSessions: ctx.registry.limit,
      },
    });
    if (fallback) await page.notice('warning', fallback);
    if (resumed || !writer) session.attach(page, true);
    for await (const bytes of reader) {
      const message = decodeTerminalMessage(bytes);
      switch (message.type) {
        case 'input':
          if (writer) session.input(message.data);
          break;
        case 'resize':
          if (writer) session.resize(message.rows, message.cols);
          break;
        case 'pause':
        case 'resume':
          page.pause(message.type === 'pause');
          break;
        case 'ping':
          void page.send({ type: 'pong', id: message.id });
          break;
        default:
          // pong, hello, notice, later types: nothing to do here.
          break;
      }
    }
  } catch (error) {
    // The stream closing under the loop is how a session that exited ends its connections.
    if (error instanceof StreamClosedError || error instanceof ConnectionLostError) return;
    ctx.log(`a page connection ended: ${error instanceof Error ? error.message : String(error)}`);
    await page
      ?.notice('error', 'The connection failed; see the server log.')
      .catch(() => undefined);
  } finally {
    page?.gone();
    if (page && session) session.detach(page);
    await reader.close().catch(() => undefined);
  }
}

function limitText(limit: number): string {
  return `The demo is running its limit of ${limit} concurrent session${limit === 1 ? '' : 's'}. Close one (or wait for it to end) and reload.`;
}
