import { describe, expect, it } from '@jest/globals';
import { describeValue } from '../../../src/core/describe-value.js';
import { parseQualityStatistics } from '../../../src/metrics/quality-report.js';

describe('describeValue', () => {
  it.each([
    [undefined, 'absent'],
    [null, 'null'],
    [1.5, '1.5'],
    [true, 'true'],
    ['', 'an empty string'],
    ['x', 'a string of 1 character'],
    ['AWS_SECRET_ACCESS_KEY=abc', 'a string of 25 characters'],
    ['Infinity', '"Infinity"'],
    ['NaN', '"NaN"'],
    [[1, 2], 'an array of 2'],
    [{ a: 1 }, 'an object with 1 key'],
  ])('shows %p as %s', (value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });

  it('keeps a string from a report out of the message that refuses it', () => {
    // Prepare: a secret where a metric value belongs
    const doc = { binary_classification_metrics: { auc: { value: 'AKIAIOSFODNN7EXAMPLE' } } };
    // Act + Assess
    expect(() => parseQualityStatistics(doc, 'stats')).toThrow(/value is a string of 20 characters/);
    expect(() => parseQualityStatistics(doc, 'stats')).not.toThrow(/AKIA/);
  });
});
