// @sluice/channel/wire and the terminal messages, in the browser, against the demo server:
// the page's own bundle frames and decodes (received bytes fed one at a time), negotiates
// deflate, and inflates with DecompressionStream; a 300 KiB message goes as several frames.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Demo } from '../src/index.js';
import { chromiumPath, launchBrowser } from './browser.js';
import { demoServer, removeBuiltPage, waitForScreen } from './harness.js';

const chromium = await chromiumPath();

describe.skipIf(!chromium.available)('the wire in the browser', () => {
  let demo: Demo;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    if (!chromium.available) return;
    demo = await demoServer({ mode: 'local', shell: '/bin/sh' });
    browser = await launchBrowser(chromium.value);
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    await removeBuiltPage();
  });

  it('round-trips hello, ping/pong, a multi-frame message and deflated output', async () => {
    const page = await browser.context.newPage();
    await page.goto(demo.url);
    await waitForScreen(page, /[#$] $/m);
    const result = await page.evaluate(async (token) => {
      type Msg = { type: string; [k: string]: unknown };
      const { codec } = (
        globalThis as unknown as {
          sluiceDemo: {
            codec: {
              encodeTerminalMessage(m: Msg): Uint8Array;
              decodeTerminalMessage(b: Uint8Array): Msg;
              encodeMessage(p: Uint8Array): Uint8Array;
              MessageReader: new () => {
                push(b: Uint8Array): { payload: Uint8Array; compressed: boolean }[];
              };
            };
          };
        }
      ).sluiceDemo;
      const inflate = async (data: Uint8Array): Promise<Uint8Array> =>
        new Uint8Array(
          await new Response(
            new Blob([data as Uint8Array<ArrayBuffer>])
              .stream()
              .pipeThrough(new DecompressionStream('deflate')),
          ).arrayBuffer(),
        );
      const ws = new WebSocket(`ws://${location.host}/ws?token=${token}`);
      ws.binaryType = 'arraybuffer';
      const reader = new codec.MessageReader();
      const messages: Msg[] = [];
      let compressedOutputs = 0;
      let chain = Promise.resolve();
      ws.onmessage = (event) => {
        // One byte at a time: the decoder must join frames cut anywhere.
        for (const byte of new Uint8Array(event.data as ArrayBuffer)) {
          for (const m of reader.push(Uint8Array.of(byte))) {
            chain = chain.then(async () => {
              if (m.compressed) compressedOutputs++;
              messages.push(
                codec.decodeTerminalMessage(m.compressed ? await inflate(m.payload) : m.payload),
              );
            });
          }
        }
      };
      await new Promise((resolve) => {
        ws.onopen = resolve;
      });
      const send = (m: Msg): void => ws.send(codec.encodeMessage(codec.encodeTerminalMessage(m)));
      const until = async (test: () => boolean): Promise<void> => {
        for (let i = 0; i < 400 && !test(); i++) await new Promise((r) => setTimeout(r, 25));
      };
      send({ type: 'hello', info: { protocol: 1, token, compress: ['deflate'] } });
      send({ type: 'resize', rows: 30, cols: 100 });
      await until(() => messages.some((m) => m.type === 'hello'));
      // A 300 KiB message of a type the server does not know: several frames, then skipped.
      const big = codec.encodeMessage(
        codec.encodeTerminalMessage({
          type: 'unknown',
          code: 0x80,
          body: new Uint8Array(300 * 1024),
        }),
      );
      ws.send(big);
      send({ type: 'ping', id: 4242 });
      await until(() => messages.some((m) => m.type === 'pong'));
      // Enough output to be worth compressing: 2000 bytes of one line.
      send({
        type: 'input',
        data: new TextEncoder().encode('printf "%02000d\\n" 0; echo wire-$((6*7))\r'),
      });
      const text = (): string =>
        messages
          .filter((m) => m.type === 'output')
          .map((m) => new TextDecoder().decode(m.data as Uint8Array))
          .join('');
      await until(() => /wire-42/.test(text()));
      ws.close();
      return {
        hello: messages.find((m) => m.type === 'hello') as Msg & { info: Record<string, unknown> },
        pong: messages.find((m) => m.type === 'pong'),
        bigFrames: big.length > 300 * 1024 + 14,
        sawOutput: /wire-42/.test(text()),
        zeros: /0{2000}/.test(text()),
        compressedOutputs,
      };
    }, demo.token);
    expect(result.hello.info).toMatchObject({
      protocol: 1,
      compress: 'deflate',
      readOnly: false,
      resumed: false,
      target: 'local shell /bin/sh',
    });
    expect(result.pong).toEqual({ type: 'pong', id: 4242 });
    expect(result.bigFrames).toBe(true);
    expect(result.sawOutput).toBe(true);
    expect(result.zeros).toBe(true);
    expect(result.compressedOutputs).toBeGreaterThan(0);
  });
});
