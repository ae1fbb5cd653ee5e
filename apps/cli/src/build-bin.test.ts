// The bundle step's rewrite of built-in imports (see build-bin.ts for why), on the forms
// esbuild prints, minified or not.
import { describe, expect, it } from 'vitest';
import { withoutBuiltinFacades } from './build-bin.js';

describe('withoutBuiltinFacades', () => {
  it('reads default, namespace and named imports from process.getBuiltinModule', () => {
    const read = (id: string) => `globalThis.process.getBuiltinModule("${id}")`;
    expect(withoutBuiltinFacades('import process from "node:process";\nx();')).toBe(
      `const process=${read('node:process')};\nx();`,
    );
    expect(withoutBuiltinFacades('import * as m from "node:module";')).toBe(
      `const m=${read('node:module')};`,
    );
    expect(
      withoutBuiltinFacades('import {\n  readFile,\n  stat as s\n} from "node:fs/promises";'),
    ).toBe(`const {\n  readFile,\n  stat:s\n}=${read('node:fs/promises')};`);
    expect(withoutBuiltinFacades('import{EventEmitter as e}from"node:events";let a=1;')).toBe(
      `const {EventEmitter:e}=${read('node:events')};let a=1;`,
    );
  });

  it('leaves every other import alone', () => {
    const source = 'import{a}from"./chunk-X.js";import b from "ws";const c=import("node:tls");';
    expect(withoutBuiltinFacades(source)).toBe(source);
  });

  it('fails on a built-in import it cannot rewrite, instead of shipping a facade', () => {
    expect(() => withoutBuiltinFacades('import fs, { readFileSync } from "node:fs";')).toThrow(
      /cannot rewrite: import fs, \{ readFileSync \} from "node:fs"/,
    );
    expect(() => withoutBuiltinFacades('import "node:worker_threads";')).toThrow(/cannot rewrite/);
  });
});
