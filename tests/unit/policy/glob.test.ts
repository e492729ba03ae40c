import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { globMatches, globOverlapWitness, isLiteralGlob, literalLength } from '../../../src/core/policy/glob.js';

describe('globMatches', () => {
  it.each([
    ['credit-*', 'credit-risk-xgb', true],
    ['credit-*', 'credit-', true],
    ['credit-*', 'retail-credit', false],
    ['credit-?', 'credit-a', true],
    ['credit-?', 'credit-ab', false],
    ['credit.risk', 'credit-risk', false],
    ['credit-risk-xgb/*', 'credit-risk-xgb/12', true],
    ['credit-*', 'credit-risk-xgb/12', false],
    ['*/*', 'credit-risk-xgb/12', true],
    ['credit-risk-xgb/1?', 'credit-risk-xgb/12', true],
    ['credit-risk-xgb/1?', 'credit-risk-xgb/123', false],
  ])('%s against %s is %s', (glob, text, expected) => {
    expect(globMatches(glob, text)).toBe(expected);
  });

  it('counts literal characters and recognises exact names', () => {
    expect(literalLength('credit-*')).toBe(7);
    expect(literalLength('c?edit-*')).toBe(6);
    expect(isLiteralGlob('credit-risk')).toBe(true);
    expect(isLiteralGlob('credit-?')).toBe(false);
  });
});

describe('globOverlapWitness', () => {
  it.each([
    ['credit-*', 'credit-*', 'credit-'],
    ['credit-*', '*-xgb', 'credit-xgb'],
    ['credit-*', 'retail-*', null],
    ['a?c', 'ab*', 'abc'],
    ['abc', 'abd', null],
    ['*', '', ''],
  ])('%s and %s → %s', (a, b, expected) => {
    expect(globOverlapWitness(a, b)).toBe(expected);
  });

  it('returns a string both globs match, or null only when a brute-force search finds none', () => {
    const glob = fc.string({ unit: fc.constantFrom('a', 'b', '*', '?'), maxLength: 5 });
    fc.assert(
      fc.property(glob, glob, (a, b) => {
        // Act
        const witness = globOverlapWitness(a, b);
        // Assess
        if (witness !== null) return globMatches(a, witness) && globMatches(b, witness);
        const words = (n: number): string[] => (n === 0 ? [''] : ['', ...words(n - 1).flatMap((w) => ['a' + w, 'b' + w, 'x' + w])]);
        return !words(6).some((w) => globMatches(a, w) && globMatches(b, w));
      }),
      { numRuns: 300 },
    );
  });
});
