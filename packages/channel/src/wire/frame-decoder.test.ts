// Wire version 2 specifics: the total size of chunked messages, control frames, records.
import { describe, expect, it } from 'vitest';
import { FLAG_CONTROL, FLAG_ENCRYPTED, FLAG_SIZED } from './constants.js';
import { FrameDecoder, type RawMessage } from './frame-decoder.js';
import { encodeControlFrame, encodeFrames } from './header.js';

const bytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));
const concat = (parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));

function run(
  decoder: FrameDecoder,
  input: Uint8Array,
): { messages: RawMessage[]; error?: unknown } {
  decoder.push(input);
  const messages: RawMessage[] = [];
  try {
    for (let m = decoder.shift(); m; m = decoder.shift()) messages.push(m);
  } catch (error) {
    return { messages, error };
  }
  return { messages };
}

describe('wire v2 FrameDecoder', () => {
  it('chunked messages announce their total in the first frame, and only there', () => {
    const parts = encodeFrames(new Uint8Array(10).fill(9), 0, { frameSize: 4 });
    expect(parts.map((p) => p.length)).toEqual([14, 4, 6, 4, 6, 2]);
    expect(parts[0]![1]! & FLAG_SIZED).toBe(FLAG_SIZED);
    expect(parts[2]![1]! & FLAG_SIZED).toBe(0);
  });

  it('refuses an announced total over the cap from the header alone, before allocating', () => {
    const decoder = new FrameDecoder({
      maxMessageSize: 1000,
      allocate: () => expect.fail('allocated for a refused message'),
    });
    const { error } = run(decoder, bytes('024000000001' + '00000000000003e9'));
    expect(error).toMatchObject({ code: 'ERR_SLUICE_BUFFER_OVERFLOW', limit: 1000, size: 1001 });
  });

  it('refuses frames that overrun or fall short of the announced total', () => {
    const over = bytes('024000000002' + '0000000000000003' + 'aabb' + '020100000002ccdd');
    expect(run(new FrameDecoder(), over).error).toMatchObject({
      code: 'ERR_SLUICE_PROTOCOL',
      message: expect.stringMatching(/past the 3/),
    });
    const short = bytes('024000000002' + '0000000000000004' + 'aabb' + '020100000001cc');
    expect(run(new FrameDecoder(), short).error).toMatchObject({
      message: expect.stringMatching(/ended after 3 bytes.*announced 4/),
    });
  });

  it('gathers a million 1-byte frames into one buffer of the announced size', () => {
    const count = 1_000_000;
    const wire = concat(encodeFrames(new Uint8Array(count).fill(1), 0, { frameSize: 1 }));
    const sizes: number[] = [];
    const decoder = new FrameDecoder({
      allocate: (n) => {
        sizes.push(n);
        return new Uint8Array(n);
      },
    });
    const { messages, error } = run(decoder, wire);
    expect(error).toBeUndefined();
    expect(messages[0]!.payload.length).toBe(count);
    expect(sizes).toEqual([count + 6]);
  });

  it('hands control frames to onControl before parsing the next frame', () => {
    const seen: string[] = [];
    const decoder = new FrameDecoder({
      onControl: (type, body, encrypted) => seen.push(`${type}:${Buffer.from(body)}:${encrypted}`),
    });
    const wire = concat([
      encodeControlFrame(2, Buffer.from('hi')),
      ...encodeFrames(Buffer.from('data'), 0),
    ]);
    const { messages } = run(decoder, wire);
    expect(seen).toEqual(['2:hi:false']);
    expect(Buffer.from(messages[0]!.payload).toString()).toBe('data');
    // Without a handler, a control frame is a message flagged as one.
    const plain = run(new FrameDecoder(), wire).messages;
    expect(plain[0]!.flags).toBe(FLAG_CONTROL);
  });

  it('opens records with their header as associated data, and refuses unencrypted data when encryption is required', () => {
    const key = 0x5a;
    const seal = (header: Uint8Array, p: Uint8Array): Uint8Array =>
      concat([p.map((b) => b ^ key), new Uint8Array(16).fill(header[1]!)]);
    const open = (header: Uint8Array, r: Uint8Array): Uint8Array => {
      if (r[r.length - 1] !== header[1]) throw new Error('tampered');
      return r.subarray(0, r.length - 16).map((b) => b ^ key);
    };
    const wire = concat(encodeFrames(Buffer.from('secret!'), 0, { seal, frameSize: 3 }));
    expect(wire[1]! & FLAG_ENCRYPTED).toBe(FLAG_ENCRYPTED);
    const decoder = new FrameDecoder({ requireEncryption: true });
    decoder.setRecordOpener(open);
    for (let i = 0; i < wire.length; i++) decoder.push(wire.subarray(i, i + 1));
    expect(Buffer.from(decoder.shift()!.payload).toString()).toBe('secret!');
    const strict = new FrameDecoder({ requireEncryption: true });
    strict.setRecordOpener(open);
    expect(run(strict, concat(encodeFrames(Buffer.from('x'), 0))).error).toMatchObject({
      message: expect.stringMatching(/unencrypted data frame/),
    });
    const flipped = Uint8Array.from(wire);
    flipped[1]! ^= 0x02; // the header is authenticated: BATCH set on the first frame
    const strict2 = new FrameDecoder({ requireEncryption: true });
    strict2.setRecordOpener(open);
    expect(run(strict2, flipped).error).toMatchObject({ message: 'tampered' });
  });
});

describe("the wire entry's errors", () => {
  it("are stream-core's own classes, thrown with their facts", async () => {
    const core = await import('@sluice/stream-core');
    const wire = await import('./index.js');
    expect(wire.ProtocolError).toBe(core.ProtocolError);
    expect(wire.BufferOverflowError).toBe(core.BufferOverflowError);
    expect(wire.ConnectionLostError).toBe(core.ConnectionLostError);
    expect(wire.StreamError).toBe(core.StreamError);
    // The stand-ins' names are kept as deprecated aliases of the same classes.
    expect(wire.WireProtocolError).toBe(core.ProtocolError);
    expect(wire.WireOverflowError).toBe(core.BufferOverflowError);
    expect(wire.WireTruncatedError).toBe(core.ConnectionLostError);

    const version1 = run(new FrameDecoder(), bytes('010100000000')).error;
    expect(version1).toBeInstanceOf(core.ProtocolError);
    expect(version1).toMatchObject({ name: 'ProtocolError', offset: 0 });
    const big = run(new FrameDecoder({ maxMessageSize: 4 }), bytes('020100000005')).error;
    expect(big).toBeInstanceOf(core.BufferOverflowError);
    expect(big).toMatchObject({ limit: 4, size: 5 });
    const cut = new FrameDecoder();
    cut.push(bytes('02010000000568'));
    cut.end();
    expect(run(cut, new Uint8Array(0)).error).toSatisfy(
      (e) => e instanceof core.ConnectionLostError && e.offset === 7,
    );
    const batch = (() => {
      try {
        return wire.decodeBatch(bytes('000000'), 9);
      } catch (error) {
        return error;
      }
    })();
    expect(batch).toBeInstanceOf(core.ProtocolError);
    expect(batch).toMatchObject({ offset: 9 });
  });
});
