import { describe, expect, it } from '@jest/globals';
import { parseTolerantJson, toNumber } from '../../../src/core/tolerant-json.js';

describe('parseTolerantJson', () => {
  it('parses plain JSON unchanged', () => {
    expect(parseTolerantJson('{"a":[1,2,{"b":"NaN"}]}')).toEqual({ a: [1, 2, { b: 'NaN' }] });
  });
  it('accepts bare NaN and Infinity tokens as their strings', () => {
    // Prepare
    const text = '{"sd": NaN, "hi": Infinity, "lo": -Infinity, "s": "NaN in a string", "n": -1}';
    // Act
    const parsed = parseTolerantJson(text) as Record<string, unknown>;
    // Assess
    expect(parsed).toEqual({ sd: 'NaN', hi: 'Infinity', lo: '-Infinity', s: 'NaN in a string', n: -1 });
  });
  it('leaves tokens inside strings with escaped quotes alone', () => {
    expect(parseTolerantJson('{"k":"a\\"NaN\\"", "v": NaN}')).toEqual({ k: 'a"NaN"', v: 'NaN' });
  });
  it('still rejects malformed JSON', () => {
    expect(() => parseTolerantJson('{"a": NaN,')).toThrow(SyntaxError);
    expect(() => parseTolerantJson('{"a": 1')).toThrow(SyntaxError);
  });
});

describe('toNumber', () => {
  it.each([
    [1.5, 1.5], ['2.5', 2.5], ['Infinity', Infinity], ['-Infinity', -Infinity], [null, null], [undefined, null], ['abc', null], ['', null],
  ])('%p -> %p', (input, expected) => {
    expect(toNumber(input)).toBe(expected);
  });
  it('maps "NaN" to NaN', () => {
    expect(Number.isNaN(toNumber('NaN'))).toBe(true);
  });
});
