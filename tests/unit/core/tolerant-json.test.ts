import { describe, expect, it } from '@jest/globals';
import { toNumber } from '../../../src/core/tolerant-json.js';

describe('toNumber', () => {
  it.each([
    [1.5, 1.5],
    ['2.5', 2.5],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    [null, null],
    [undefined, null],
    ['abc', null],
    ['', null],
  ])('%p -> %p', (input, expected) => {
    expect(toNumber(input)).toBe(expected);
  });
  it('maps "NaN" to NaN', () => {
    expect(Number.isNaN(toNumber('NaN'))).toBe(true);
  });
});
