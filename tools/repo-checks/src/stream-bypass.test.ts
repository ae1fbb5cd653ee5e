// Issue 12, acceptance 1: "Every cast to an undeclared member and every write under a
// ByteStream is gone (a grep-able rule in tools/repo-checks)." Scans the packages' published
// sources with the type checker; the rule's own tests feed it each kind of bypass.
import { relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { packageSources, sourceProgram } from './package-sources.js';
import { repoRoot } from './repo.js';
import { type Bypass, findBypasses } from './stream-bypass.js';

function explain(found: Bypass[]): string {
  return (
    `${found.length} place(s) work around the ByteStream contract:\n` +
    found.map((b) => `  ${b.where}  ${b.text}\n    ${b.message}`).join('\n')
  );
}

describe('the stream contract is not bypassed', () => {
  const files = packageSources();

  it('in packages/*/src (tests and unpublished folders aside)', () => {
    expect(files.length).toBeGreaterThan(50);
    const found = findBypasses(sourceProgram(files), files).map((b) => ({
      ...b,
      where: relative(repoRoot, b.where),
    }));
    expect(found, explain(found)).toEqual([]);
  });
});

describe('the bypass rule', () => {
  const code = `
    import type { Duplex, Writable } from 'node:stream';
    interface ByteStream { readExactly(n: number): Promise<Uint8Array>; writeAll(d: Uint8Array): Promise<void>; needsWrite(): boolean; maxBufferSize?: number; [Symbol.asyncIterator](): AsyncIterator<Uint8Array> }
    interface NodeBacked extends ByteStream { readonly underlying: Duplex }
    interface Counters { bytesRead: number }
    declare const stream: ByteStream;
    declare const node: NodeBacked;
    declare const other: { size: number };
    const a = (stream as { underlying?: unknown }).underlying;       // 9: cast to undeclared
    const b = (stream as unknown as Counters).bytesRead;             // 10: through unknown
    const c = (stream as unknown as Record<string, unknown>)['x'];  // 11: by key
    node.underlying.write('x');                                     // 12: write under
    (node.underlying as Writable).cork();                            // 13: write under, cast
    const w = node.underlying;
    w.end();                                                        // 15: through an alias
    const fine1 = stream.maxBufferSize;                              // declared: fine
    const fine2 = node as ByteStream;                                // up-cast: fine
    const fine3 = other as unknown as { weight: number };            // not a stream: fine
    const fine4 = node.underlying.readableLength;                    // a read: fine
    const d = stream as ByteStream & { destroy?: () => void };       // 20: an intersection
    declare const maybe: ByteStream | undefined;
    const e = maybe as { counter?: () => number } | undefined;       // 22: through undefined
    const f = node.underlying as unknown as Counters;                // 23: counters under it
    const fine5 = node.underlying as unknown as { setNoDelay(): void }; // not a counter: fine
    function handOut(s: NodeBacked): Writable { return s.underlying; }  // 25: returned
    declare function use(w: Writable): void;
    use(node.underlying);                                              // 27: passed
    const g = node.underlying;
    use(g);                                                            // 29: through an alias
    if (node.underlying && node.underlying.writable) use(0 as never);   // a test: fine
    declare class Stream implements ByteStream { constructor(d: Duplex); readExactly(n: number): Promise<Uint8Array>; writeAll(d: Uint8Array): Promise<void>; needsWrite(): boolean; [Symbol.asyncIterator](): AsyncIterator<Uint8Array> }
    declare const socket: Duplex;
    const wrapped = new Stream(socket);                                // handing it to the wrapper: fine
    socket.write('behind its back');                                   // 34: write under, by the source
  `;
  const path = '/virtual/bypass-sample.ts';
  const options: ts.CompilerOptions = {
    strict: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'],
    noEmit: true,
    typeRoots: [`${repoRoot}/node_modules/@types`],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, l, e, c) =>
    f === path ? ts.createSourceFile(f, code, l, true) : getSourceFile(f, l, e, c);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (f) => f === path || fileExists(f);
  const found = findBypasses(ts.createProgram([path], options, host), [path]);

  it('finds each cast to an undeclared member and each write under a stream, with the fix', () => {
    expect(found.map((b) => [b.where.replace(`${path}:`, ''), b.kind])).toEqual([
      ['9:16', 'cast'],
      ['10:16', 'cast'],
      ['11:16', 'cast'],
      ['12:5', 'write'],
      ['13:5', 'write'],
      ['15:5', 'write'],
      ['20:15', 'cast'],
      ['22:15', 'cast'],
      ['23:15', 'cast'],
      ['25:56', 'hand-out'],
      ['27:9', 'hand-out'],
      ['29:9', 'hand-out'],
      ['34:5', 'write'],
    ]);
    expect(found[6]?.message).toMatch(/reach `destroy`, which/);
    expect(found[7]?.message).toMatch(/reach `counter`, which/);
    expect(found[9]?.message).toMatch(/^returns the Node stream under a ByteStream/);
    expect(found[10]?.message).toMatch(/^passes the Node stream/);
    expect(found[8]?.message).toMatch(/casts a Node stream \(Duplex\) to reach `bytesRead`/);
    expect(found[0]?.message).toMatch(
      /reach `underlying`, which it does not declare: use `NodeBackedStream`/,
    );
    expect(found[1]?.message).toMatch(/reach `bytesRead`.*contract member `bytesRead`/);
    expect(found[2]?.message).toMatch(/reach `\[key\]`/);
    expect(found[3]?.message).toMatch(
      /writes to the Node stream under a ByteStream.*`writev\(parts\)`/,
    );
  });
});
