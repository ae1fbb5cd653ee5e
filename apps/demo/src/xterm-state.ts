// Whether plain text parsed by a headless xterm now would only write cells and move the
// cursor (the condition of scrolled-out.ts). @xterm/headless has no public API for its
// parser's state or the scroll region, so this reads its internals (as of 6.0). Anything not
// found where expected (another version) reads as "no", which only turns the skip off.
import type headlessModule from '@xterm/headless';

type HeadlessTerminal = InstanceType<typeof headlessModule.Terminal>;

interface Internals {
  _core?: {
    buffers?: { active?: { scrollTop?: unknown; scrollBottom?: unknown } };
    _inputHandler?: {
      _parser?: { currentState?: unknown; _parseStack?: { state?: unknown } };
      _parseStack?: { paused?: unknown };
      _utf8Decoder?: { interim?: ArrayLike<number> };
      _curAttrData?: { extended?: { urlId?: unknown } };
    };
  };
}

/** The parser's ground state (xterm's ParserState.GROUND). */
const GROUND = 0;

/**
 * True when `terminal` has parsed everything written to it (the caller's duty) and is in a
 * state where printable ASCII, CR and LF change nothing but cells and the cursor: parser in
 * its ground state with no handler pending, no UTF-8 character half decoded, the normal
 * buffer, no scroll region, no hyperlink open.
 */
export function plainTextIsInert(terminal: HeadlessTerminal): boolean {
  if (terminal.buffer.active.type !== 'normal') return false;
  const core = (terminal as unknown as Internals)._core;
  const input = core?._inputHandler;
  const buffer = core?.buffers?.active;
  return (
    input?._parser?.currentState === GROUND &&
    input._parser._parseStack?.state === 0 &&
    input._parseStack?.paused === false &&
    input._utf8Decoder?.interim?.[0] === 0 &&
    input._curAttrData?.extended?.urlId === 0 &&
    buffer?.scrollTop === 0 &&
    buffer.scrollBottom === terminal.rows - 1
  );
}
