import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { safeJsonText, safeLine, safeText } from '../../../src/core/safe-text.js';

// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('safeText', () => {
  it.each([
    ['an ANSI colour', 'a\u001b[31mRED\u001b[0m', 'a\\x1b[31mRED\\x1b[0m'],
    ['a window-title OSC ended by BEL', '\u001b]0;owned\u0007', '\\x1b]0;owned\\x07'],
    ['the one-character C1 CSI', '\u009b2J', '\\x9b2J'],
    ['a right-to-left override and its pop', 'invoice\u202Efdp.exe\u202C', 'invoice\\u202efdp.exe\\u202c'],
    ['a bidi isolate', '\u2067x\u2069', '\\u2067x\\u2069'],
    ['a carriage return', 'ok\rFAIL', 'ok\\x0dFAIL'],
    ['a line feed and a tab on one line', 'a\nb\tc', 'a\\x0ab\\x09c'],
    ['NUL and DEL', '\u0000\u007f', '\\x00\\x7f'],
    ['plain text, accents and emoji', 'Zoë ✓ 👍', 'Zoë ✓ 👍'],
  ])('escapes %s', (_name, input, expected) => {
    expect(safeText(input)).toBe(expected);
    expect(safeLine(input)).toBe(expected);
  });

  it('keeps line feeds and tabs in a multi-line text, nothing else', () => {
    expect(safeText('a\n\tb\r\n\u001b[2J', { multiline: true })).toBe('a\n\tb\\x0d\n\\x1b[2J');
  });

  it('never lets a control character or bidi override through', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(safeText(s)).not.toMatch(RAW);
        expect(safeText(s, { multiline: true }).replace(/[\n\t]/g, '')).not.toMatch(RAW);
      }),
      { seed: 9, numRuns: 500 },
    );
  });
});

describe('safeJsonText', () => {
  it('keeps JSON meaning while removing raw C1 controls and bidi overrides', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, s) => {
        const json = JSON.stringify({ value, s }, null, 2);
        const safe = safeJsonText(json);
        expect(safe.replace(/\n/g, '')).not.toMatch(RAW);
        expect(JSON.parse(safe)).toEqual(JSON.parse(json));
      }),
      { seed: 9, numRuns: 300 },
    );
  });
});
