// The attacker of the attack tests: a TCP proxy on 127.0.0.1 between a client and a server,
// which cuts the byte stream into wire-version-2 frames and lets a test forward, drop,
// rewrite, hold, inject or cut each one. One connection per proxy.
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

/** Which way bytes travel through the proxy. */
export type Direction = 'toServer' | 'toClient';

/** One frame as the proxy saw it. */
export interface Frame {
  /** Which way it was travelling. */
  direction: Direction;
  /** Its index among the frames of its direction, from 0. */
  index: number;
  /** The flags byte of its header. */
  flags: number;
  /** The payload length its header announces. */
  length: number;
  /** Bytes of its header (6, or 14 with the total-size field). */
  headerSize: number;
  /** The whole frame, header and payload (a copy the test may keep). */
  bytes: Buffer;
}

/** What to do with a frame: the bytes to forward in its place (none: drop it). */
export type FrameAction = Uint8Array | readonly Uint8Array[] | undefined;

/** A test's hook, called for each whole frame in order. Default: forward it unchanged. */
export type OnFrame = (frame: Frame, proxy: AttackProxy) => FrameAction;

const HEADER = 6;
const FLAG_SIZED = 0x40;
const FLAG_CONTROL = 0x80;
const FLAG_ENCRYPTED = 0x08;

/** Whether a frame is an encrypted application record (not a control or plain frame). */
export function isRecord(frame: Frame): boolean {
  return (frame.flags & FLAG_ENCRYPTED) !== 0 && (frame.flags & FLAG_CONTROL) === 0;
}

/** Incremental frame cutter: bytes in, whole frames out. */
class FrameCutter {
  #pending: Buffer = Buffer.alloc(0);
  #index = 0;
  constructor(readonly direction: Direction) {}

  push(chunk: Buffer): Frame[] {
    this.#pending = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    const frames: Frame[] = [];
    for (;;) {
      const p = this.#pending;
      if (p.length < HEADER) break;
      const flags = p[1] as number;
      const headerSize = flags & FLAG_SIZED ? HEADER + 8 : HEADER;
      const length = p.readUInt32BE(2);
      if (p.length < headerSize + length) break;
      frames.push({
        direction: this.direction,
        index: this.#index++,
        flags,
        length,
        headerSize,
        bytes: Buffer.from(p.subarray(0, headerSize + length)),
      });
      this.#pending = p.subarray(headerSize + length);
    }
    return frames;
  }
}

/** The attacking proxy. Start it with `AttackProxy.start(serverPort, onFrame)`. */
export class AttackProxy {
  /** Every frame seen, both directions, in arrival order (before the hook acted). */
  readonly frames: Frame[] = [];
  /** The port clients connect to. */
  readonly port: number;
  readonly #server: Server;
  readonly #onFrame: OnFrame;
  #client: Socket | undefined;
  #upstream: Socket | undefined;
  #waiters: { test: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];

  private constructor(server: Server, port: number, onFrame: OnFrame) {
    this.#server = server;
    this.port = port;
    this.#onFrame = onFrame;
  }

  /** Listens on 127.0.0.1 port 0 and relays its one connection to `targetPort`. */
  static async start(targetPort: number, onFrame: OnFrame = (f) => f.bytes): Promise<AttackProxy> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const proxy = new AttackProxy(server, (server.address() as { port: number }).port, onFrame);
    server.once('connection', (client) => proxy.#relay(client, targetPort));
    return proxy;
  }

  /** Sends bytes the attacker made up (or kept) on towards one side. */
  inject(direction: Direction, bytes: Uint8Array | readonly Uint8Array[]): void {
    const socket = direction === 'toServer' ? this.#upstream : this.#client;
    for (const part of bytes instanceof Uint8Array ? [bytes] : bytes) socket?.write(part);
  }

  /** Ends the byte stream towards one side (a FIN, after what was already forwarded). */
  end(direction: Direction): void {
    (direction === 'toServer' ? this.#upstream : this.#client)?.end();
  }

  /** Resolves with the first frame (seen or to come) that passes `test`. */
  waitFor(test: (frame: Frame) => boolean): Promise<Frame> {
    const seen = this.frames.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ test, resolve }));
  }

  /** Closes the listener and both connections. */
  async close(): Promise<void> {
    this.#client?.destroy();
    this.#upstream?.destroy();
    this.#server.close();
  }

  #relay(client: Socket, targetPort: number): void {
    this.#client = client;
    const upstream = connect(targetPort, '127.0.0.1');
    this.#upstream = upstream;
    for (const s of [client, upstream]) {
      s.setNoDelay(true);
      s.on('error', () => {});
    }
    // Hold the client's bytes until the upstream connection is open, so none are lost.
    client.pause();
    upstream.once('connect', () => client.resume());
    this.#pipe(client, upstream, new FrameCutter('toServer'));
    this.#pipe(upstream, client, new FrameCutter('toClient'));
  }

  #pipe(from: Socket, to: Socket, cutter: FrameCutter): void {
    from.on('data', (chunk: Buffer) => {
      for (const frame of cutter.push(chunk)) {
        this.frames.push(frame);
        const action = this.#onFrame(frame, this);
        if (action instanceof Uint8Array) to.write(action);
        else if (action) for (const part of action) to.write(part);
        for (const w of this.#waiters.filter((x) => x.test(frame))) w.resolve(frame);
        this.#waiters = this.#waiters.filter((x) => !x.test(frame));
      }
    });
    from.on('end', () => to.end());
  }
}
