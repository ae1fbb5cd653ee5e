// The Docker CLI's detach-keys format: comma-separated items, each one character, `ctrl-@`
// … `ctrl-_` (bytes 0–31), or `DEL` (127). Anything else is rejected with the CLI's text.
import { DetachKeysError } from './errors.js';

/** The CLI's default, ctrl-p,ctrl-q. */
export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

// Index = the control code: ctrl-@ is 0, ctrl-a is 1, …, ctrl-_ is 31.
const CTRL_NAMES = '@abcdefghijklmnopqrstuvwxyz[\\]^_';

/**
 * The bytes a detach-keys spec stands for; throws `DetachKeysError` on an invalid item. An
 * empty spec is the default, as the Docker CLI and the engine read it (detaching cannot be
 * switched off: the engine always watches for a sequence).
 */
export function parseDetachKeys(spec: string): Uint8Array {
  if (spec === '') return parseDetachKeys(DEFAULT_DETACH_KEYS);
  const codes: number[] = [];
  for (const item of spec.split(',')) {
    // A single character is itself (as the CLI, byte-wise: its first UTF-8 byte if one byte).
    if (item.length === 1 && item.charCodeAt(0) < 0x80) {
      codes.push(item.charCodeAt(0));
    } else if (item === 'DEL') {
      codes.push(127);
    } else if (item.length === 6 && item.startsWith('ctrl-') && CTRL_NAMES.includes(item[5]!)) {
      codes.push(CTRL_NAMES.indexOf(item[5]!));
    } else {
      throw new DetachKeysError(item);
    }
  }
  return Uint8Array.from(codes);
}
