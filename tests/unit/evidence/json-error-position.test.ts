import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { lineColumnAt, locateJsonError } from '../../../src/app/evidence/json-error-position.js';
import { parseTolerantJson } from '../../../src/core/tolerant-json.js';

const parses = (text: string): boolean => {
  try {
    parseTolerantJson(text);
    return true;
  } catch {
    return false;
  }
};

describe('locateJsonError', () => {
  it.each([
    ['{"a": x}', 1, 7, 'unexpected "x" (expected a value)'],
    ['{"a":1,}', 1, 8, 'unexpected "}" (expected a double-quoted property name)'],
    ['{\n  "a": 1\n  "b": 2}', 3, 3, `unexpected "\\"" (expected ',' or '}')`],
    ['[1, 2', 1, 6, "unexpected end of input (expected ',' or ']')"],
    ['{"a" 1}', 1, 6, `unexpected "1" (expected ':' after a property name)`],
    ['{"a": "x\ny"}', 1, 9, 'control character in string (escape it)'],
    ['["\\q"]', 1, 3, 'bad escape in string'],
    ['["\\u12"]', 1, 3, 'bad \\u escape (expected 4 hex digits)'],
    ['"abc', 1, 5, 'unterminated string'],
    ['{} {}', 1, 4, 'unexpected "{" (expected the end of the document)'],
    ['[01]', 1, 3, `unexpected "1" (expected ',' or ']')`],
    ['\r\n\r\n  nul', 3, 3, 'unexpected "n" (expected a value)'],
  ])('locates the error in %j at %i:%i', (text, line, column, reason) => {
    // Act
    const where = locateJsonError(text);

    // Assess
    expect(where).toMatchObject({ line, column, reason });
  });

  it('accepts the bare tokens parseTolerantJson accepts', () => {
    // Act / Assess
    expect(locateJsonError('{"a": NaN, "b": [Infinity, -Infinity], "c": "NaN"}')).toBeNull();
  });

  it('finds no error in any valid JSON, however nested or indented', () => {
    // Act / Assess
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 0, 2, '\t'), (value, indent) => {
        return locateJsonError(JSON.stringify(value, null, indent)) === null;
      }),
    );
  });

  it('finds an error in every text that does not parse (truncations and stray characters)', () => {
    // Prepare
    const broken = fc
      .tuple(fc.jsonValue(), fc.nat(), fc.constantFrom('', 'x', '}', ']', ',', ':', '"', '\\', '\n'))
      .map(([value, at, insert]) => {
        const text = JSON.stringify(value, null, 1);
        const cut = at % (text.length + 1);
        return text.slice(0, cut) + insert + (insert === '' ? '' : text.slice(cut));
      })
      .filter((text) => !parses(text));

    // Act / Assess
    fc.assert(
      fc.property(broken, (text) => {
        const where = locateJsonError(text);
        return where !== null && where.offset >= 0 && where.offset <= text.length;
      }),
    );
  });

  it('handles nesting deeper than the call stack would allow', () => {
    // Act
    const where = locateJsonError('['.repeat(200_000) + ']'.repeat(199_999));

    // Assess
    expect(where?.reason).toBe("unexpected end of input (expected ',' or ']')");
  });
});

describe('lineColumnAt', () => {
  it('counts \\n, \\r\\n and \\r as line ends, columns from 1', () => {
    // Act / Assess
    expect(lineColumnAt('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumnAt('a\r\nb', 3)).toEqual({ line: 2, column: 1 });
    expect(lineColumnAt('a\rb', 2)).toEqual({ line: 2, column: 1 });
    expect(lineColumnAt('abc', 0)).toEqual({ line: 1, column: 1 });
  });
});
