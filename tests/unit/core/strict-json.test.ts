import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { InvalidInputError } from '../../../src/core/errors.js';
import { StrictJsonError, lineColumnAt, locateJsonError, parseStrictJson } from '../../../src/core/strict-json.js';

/** The error parseStrictJson throws for `text` (fails the test when it does not throw). */
const errorOf = (text: string, opts?: Parameters<typeof parseStrictJson>[2]): StrictJsonError => {
  try {
    parseStrictJson(text, 'doc.json', opts);
  } catch (err) {
    expect(err).toBeInstanceOf(StrictJsonError);
    return err as StrictJsonError;
  }
  throw new Error(`no error for ${text}`);
};

const parses = (text: string): boolean => {
  try {
    parseStrictJson(text, 'doc.json');
    return true;
  } catch {
    return false;
  }
};

/** JSON values whose objects never repeat a key (fc.jsonValue builds objects, so keys are unique). */
const jsonText = fc.tuple(fc.jsonValue(), fc.constantFrom(undefined, 0, 2, '\t')).map(([v, indent]) => JSON.stringify(v, null, indent));

describe('parseStrictJson', () => {
  it('agrees with JSON.parse on every valid JSON document without duplicate keys', () => {
    fc.assert(
      fc.property(jsonText, (text) => {
        expect(parseStrictJson(text, 'doc.json')).toStrictEqual(JSON.parse(text));
      }),
      { seed: 9, numRuns: 300 },
    );
  });

  it('accepts bare NaN and Infinity tokens as their strings, outside strings only', () => {
    const text = '{"sd": NaN, "hi": Infinity, "lo": -Infinity, "s": "NaN in a \\"string\\" Infinity", "n": -1}';
    expect(parseStrictJson(text, 'doc.json')).toEqual({ sd: 'NaN', hi: 'Infinity', lo: '-Infinity', s: 'NaN in a "string" Infinity', n: -1 });
  });

  it("refuses bare NaN and Infinity with nonFinite: 'reject', at the token", () => {
    const err = errorOf('{\n  "a": 1,\n  "b": -Infinity\n}', { nonFinite: 'reject' });
    expect(err).toMatchObject({ line: 3, column: 8 });
    expect(err.message).toBe('doc.json: is not valid JSON at line 3, column 8: bare NaN or Infinity (expected a JSON number, or null)');
  });

  it('refuses a duplicate key, naming the key, its line and column, the first one and the JSON path', () => {
    // Prepare: a report with a bad auc first and a good one last (JSON.parse keeps the last)
    const text = '{\n  "binary_classification_metrics": {\n    "auc": {"value": 0.51},\n    "auc": {"value": 0.99}\n  }\n}';
    // Act
    const err = errorOf(text);
    // Assess
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err).toMatchObject({ line: 4, column: 5, path: '/binary_classification_metrics/auc' });
    expect(err.message).toBe(
      'doc.json: has a duplicate key at line 4, column 5: duplicate key "auc" (JSON path /binary_classification_metrics/auc; first at line 3, column 5); each key may appear once',
    );
  });

  it('finds duplicates however spelt, nested in arrays, and after bare tokens (positions in the original text)', () => {
    expect(errorOf('{"a\\u0062": 1, "ab": 2}')).toMatchObject({ path: '/ab', line: 1, column: 16 });
    expect(errorOf('[{"x": [1, "a,b", {"k": 1}]}, {"y": [0, {"q": 1, "q": 2}]}]')).toMatchObject({ path: '/1/y/1/q' });
    expect(errorOf('{"a": NaN, "b": Infinity, "a": 1}')).toMatchObject({ path: '/a', line: 1, column: 27 });
    expect(errorOf('{"a/b~": 1, "a/b~": 1}')).toMatchObject({ path: '/a~1b~0' });
    // A key equal to a string value elsewhere is not a duplicate; the same key in sibling objects is not either.
    expect(parseStrictJson('{"a": "b", "b": {"a": 1}, "c": [{"a": 1}, {"a": 2}]}', 'doc.json')).toBeTruthy();
  });

  it('catches every duplicate key inserted into a generated document', () => {
    const withDuplicate = fc
      .tuple(fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }), fc.nat(), fc.jsonValue(), fc.boolean())
      .map(([obj, n, extra, nest]) => {
        const keys = Object.keys(obj);
        const key = keys[n % keys.length]!;
        const body = `${JSON.stringify(obj).slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(extra)}}`;
        return { text: nest ? `[0, {"outer": ${body}}]` : body, key, path: `${nest ? '/1/outer' : ''}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}` };
      });
    fc.assert(
      fc.property(withDuplicate, ({ text, path }) => {
        expect(errorOf(text).path).toBe(path);
      }),
      { seed: 9, numRuns: 300 },
    );
  });

  it('keeps __proto__, constructor and prototype as plain own data', () => {
    const value = parseStrictJson('{"__proto__": {"polluted": true}, "constructor": {"prototype": 1}, "nested": [{"__proto__": null}]}', 'doc.json') as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'constructor', 'nested']);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(errorOf('{"__proto__": 1, "__proto__": 2}').path).toBe('/__proto__');
  });

  it('never quotes the document in an error, only its punctuation', () => {
    const secret = 'AKIAEXAMPLESECRET';
    for (const text of [`${secret}`, `{"k": ${secret}}`, `{"k": "x"${secret}}`, `["${secret}\n"]`, `{"${secret}": 1, "${secret}": 2`, `12${secret}`]) {
      const err = errorOf(text);
      expect(err.message).not.toMatch(/AKIA|EXAMPL|SECRE|KIAE/);
    }
  });

  it('throws nothing but StrictJsonError, with a position inside the text, for any damaged document', () => {
    const broken = fc
      .tuple(jsonText, fc.nat(), fc.constantFrom('', 'x', '}', ']', ',', ':', '"', '\\', '\n', 'NaN', '{"a":1,"a":2}'))
      .map(([text, at, insert]) => {
        const cut = at % (text.length + 1);
        return text.slice(0, cut) + insert + (insert === '' ? '' : text.slice(cut));
      })
      .filter((text) => !parses(text));
    fc.assert(
      fc.property(broken, (text) => {
        const err = errorOf(text);
        expect(err.offset).toBeGreaterThanOrEqual(0);
        expect(err.offset).toBeLessThanOrEqual(text.length);
      }),
      { seed: 9, numRuns: 300 },
    );
  });

  it('handles nesting deeper than the call stack would allow', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    expect(Array.isArray(parseStrictJson(deep, 'doc.json'))).toBe(true);
    expect(errorOf('['.repeat(200_000) + ']'.repeat(199_999)).reason).toBe("unexpected end of input (expected ',' or ']')");
  });
});

describe('locateJsonError', () => {
  it.each([
    ['{"a": x}', 1, 7, 'unexpected letter (expected a value)'],
    ['{"a":1,}', 1, 8, 'unexpected "}" (expected a double-quoted property name)'],
    ['{\n  "a": 1\n  "b": 2}', 3, 3, `unexpected "\\"" (expected ',' or '}')`],
    ['[1, 2', 1, 6, "unexpected end of input (expected ',' or ']')"],
    ['{"a" 1}', 1, 6, `unexpected digit or sign (expected ':' after a property name)`],
    ['{"a": "x\ny"}', 1, 9, 'control character in string (escape it)'],
    ['["\\q"]', 1, 3, 'bad escape in string'],
    ['["\\u12"]', 1, 3, 'bad \\u escape (expected 4 hex digits)'],
    ['"abc', 1, 5, 'unterminated string'],
    ['{} {}', 1, 4, 'unexpected "{" (expected the end of the document)'],
    ['[01]', 1, 3, `unexpected digit or sign (expected ',' or ']')`],
    ['\r\n\r\n  nul', 3, 3, 'unexpected letter (expected a value)'],
    ['[#]', 1, 2, 'unexpected character (expected a value)'],
  ])('locates the error in %j at %i:%i', (text, line, column, reason) => {
    expect(locateJsonError(text)).toMatchObject({ line, column, reason });
  });

  it('finds no error in any valid JSON, nor in the bare tokens', () => {
    expect(locateJsonError('{"a": NaN, "b": [Infinity, -Infinity], "c": "NaN"}')).toBeNull();
    fc.assert(
      fc.property(jsonText, (text) => locateJsonError(text) === null),
      { seed: 9 },
    );
  });
});

describe('lineColumnAt', () => {
  it('counts \\n, \\r\\n and \\r as line ends, columns from 1', () => {
    expect(lineColumnAt('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumnAt('a\r\nb', 3)).toEqual({ line: 2, column: 1 });
    expect(lineColumnAt('a\rb', 2)).toEqual({ line: 2, column: 1 });
    expect(lineColumnAt('abc', 0)).toEqual({ line: 1, column: 1 });
  });
});
