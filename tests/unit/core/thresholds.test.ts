/**
 * evaluateThreshold with values that are not numbers a rule can hold against (issue 9, row 2):
 * NaN, null and ±Infinity are never a pass.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { evaluateThreshold, isComputable } from '../../../src/core/thresholds.js';

const HIGHER = { greaterIsBetter: true };

describe('evaluateThreshold: not computable is never a pass', () => {
  it.each([
    ['NaN', Number.NaN],
    ['null', null],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('%s against min, max and maxAbs: passed null, not computable', (_l, value) => {
    for (const t of [{ min: 0.8 }, { max: 1.25 }, { maxAbs: 0.1 }, { min: 0, max: 1 }]) {
      const v = evaluateThreshold(value, t, HIGHER);
      expect(v.passed).toBeNull();
      expect(v.violations).toEqual([]);
      expect(v.notApplicable[0]).toMatch(/^not computable/);
    }
  });

  it('with allowNotComputable, an infinite value beyond a bound fails it; within it stays not computable', () => {
    const opts = { ...HIGHER, allowNotComputable: true };
    expect(evaluateThreshold(Number.POSITIVE_INFINITY, { max: 1.25 }, opts)).toMatchObject({ passed: false, violations: ['above max 1.25'] });
    expect(evaluateThreshold(Number.NEGATIVE_INFINITY, { min: 0.8 }, opts)).toMatchObject({ passed: false, violations: ['below min 0.8'] });
    expect(evaluateThreshold(Number.NEGATIVE_INFINITY, { maxAbs: 3 }, opts)).toMatchObject({ passed: false, violations: ['beyond maxAbs 3'] });
    expect(evaluateThreshold(Number.POSITIVE_INFINITY, { min: 0.8 }, opts)).toMatchObject({ passed: null, violations: [] });
    expect(evaluateThreshold(Number.NaN, { max: 1 }, opts)).toMatchObject({ passed: null, violations: [] });
  });

  it('an infinite or NaN champion makes vsChampion not applicable, never a pass of it', () => {
    for (const champion of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, null]) {
      const v = evaluateThreshold(0.9, { vsChampion: { maxWorsening: 0.01 } }, { ...HIGHER, champion });
      expect(v.passed).toBeNull();
      expect(v.notApplicable).toEqual(["vsChampion not applicable: the champion's value is not computable"]);
    }
  });

  it('an interval with a non-finite end is ignored: the point value decides', () => {
    const v = evaluateThreshold(0.5, { min: 0.8 }, { ...HIGHER, interval: [Number.NaN, Number.NaN], failOnlyWhenIntervalCrosses: true });
    expect(v).toMatchObject({ passed: false, violations: ['below min 0.8'] });
  });

  it('property: passed is true only for a finite value', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.double(), fc.constant(null)),
        fc.record({ min: fc.option(fc.double({ noNaN: true }), { nil: undefined }), max: fc.option(fc.double({ noNaN: true }), { nil: undefined }) }),
        (value, t) => {
          const v = evaluateThreshold(value, t, HIGHER);
          if (v.passed === true) expect(isComputable(value)).toBe(true);
        },
      ),
      { seed: 9, numRuns: 500 },
    );
  });
});
