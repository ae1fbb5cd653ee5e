import { describe, expect, it } from 'vitest';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from './detach-keys.js';
import { DetachKeysError } from './errors.js';

describe('parseDetachKeys', () => {
  it('reads the default ctrl-p,ctrl-q as bytes 16, 17', () => {
    expect([...parseDetachKeys(DEFAULT_DETACH_KEYS)]).toEqual([16, 17]);
  });

  it('reads single characters, ctrl-@ … ctrl-_ and DEL', () => {
    expect([...parseDetachKeys('ctrl-a,x')]).toEqual([1, 120]);
    expect([...parseDetachKeys('ctrl-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_')]).toEqual([
      0, 27, 28, 29, 30, 31,
    ]);
    expect([...parseDetachKeys('ctrl-z,DEL,a,~')]).toEqual([26, 127, 97, 126]);
  });

  it("'' is the default, ctrl-p,ctrl-q, as the Docker CLI and the engine read it", () => {
    expect([...parseDetachKeys('')]).toEqual([16, 17]);
  });

  it.each([
    ['ctrl-a,xy', 'xy'],
    ['ctrl-A', 'ctrl-A'],
    ['ctrl-1', 'ctrl-1'],
    ['del', 'del'],
    ['a,,b', ''],
    ['é', 'é'],
  ])('rejects %j with the CLI text', (spec, item) => {
    const attempt = () => parseDetachKeys(spec);
    expect(attempt).toThrow(DetachKeysError);
    expect(attempt).toThrow(`unknown character: '${item}'`);
  });
});
