import { describe, expect, it } from 'vitest';
import { startFailureExitCode } from './exit-code.js';

describe('startFailureExitCode', () => {
  it.each([
    ['exec: "nope": executable file not found in $PATH: unknown', 127],
    ['exec: "/x": stat /x: no such file or directory: unknown', 127],
    ['exec: "/bin": permission denied: unknown', 126],
    ['exec: "/etc": is a directory', 126],
    ['Cannot start container: port is already allocated', 125],
  ])('%s → %i', (message, code) => {
    expect(startFailureExitCode(message)).toBe(code);
  });
});
