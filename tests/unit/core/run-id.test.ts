import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { InvalidInputError } from '../../../src/core/errors.js';
import { dedupeKey, isRunId, newRunId, runIdTime } from '../../../src/core/run-id.js';

const ARN = 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/credit-risk-xgb/12';
const DIGEST = `sha256:${'0f'.repeat(32)}`;

describe('newRunId', () => {
  it('has the documented form and encodes its instant', () => {
    // Prepare
    const at = new Date('2025-03-04T09:15:30.123Z');
    // Act
    const id = newRunId(at, () => 0);
    // Assess
    expect(id).toMatch(/^run-[0-9a-hjkmnp-tv-z]{20}$/);
    expect(id.endsWith('0000000000')).toBe(true);
    expect(isRunId(id)).toBe(true);
    expect(runIdTime(id).toISOString()).toBe('2025-03-04T09:15:30.123Z');
  });

  it('sorts lexically in the order of time', () => {
    // Prepare
    const instants = fc.integer({ min: 0, max: 32 ** 10 - 1 });
    // Act + Assess
    fc.assert(
      fc.property(instants, instants, (a, b) => {
        fc.pre(a !== b);
        const [ia, ib] = [newRunId(new Date(a)), newRunId(new Date(b))];
        expect(ia < ib).toBe(a < b);
      }),
    );
  });

  it('sorts a day of runs into creation order', () => {
    // Prepare
    const start = Date.parse('2025-03-04T00:00:00Z');
    const times = Array.from({ length: 500 }, (_, i) => start + i * 173_001);
    const ids = times.map((t) => newRunId(new Date(t)));
    // Act
    const sorted = [...ids].reverse().sort();
    // Assess
    expect(sorted).toEqual(ids);
  });

  it('is unique across 10,000 ids made in the same millisecond', () => {
    // Prepare
    const at = new Date('2025-03-04T09:15:30.123Z');
    // Act
    const ids = new Set(Array.from({ length: 10_000 }, () => newRunId(at)));
    // Assess
    expect(ids.size).toBe(10_000);
  });

  it('stays well-formed when the random source misbehaves (1, NaN, negative)', () => {
    // Prepare
    const at = new Date('2025-03-04T09:15:30.123Z');
    // Act
    const ids = [1, Number.NaN, -3].map((r) => newRunId(at, () => r));
    // Assess
    for (const id of ids) expect(isRunId(id)).toBe(true);
  });

  it('refuses an invalid date', () => {
    // Act + Assess
    expect(() => newRunId(new Date('not a date'))).toThrow(InvalidInputError);
    expect(() => newRunId(new Date(-1))).toThrow(/a valid date between 1970 and 10889/);
  });
});

describe('isRunId', () => {
  it.each([
    ['run-01jnf8xq3k7m2c9v4b1n', true],
    ['run-01JNF8XQ3K7M2C9V4B1N', false],
    ['run-01jnf8xq3k7m2c9v4b1', false],
    ['run-01jnf8xq3k7m2c9v4b1i', false],
    ['01jnf8xq3k7m2c9v4b1n', false],
    [42, false],
  ])('%p → %p', (value, expected) => {
    // Act + Assess
    expect(isRunId(value)).toBe(expected);
  });
});

describe('dedupeKey', () => {
  it('is the same for the same subject and policy digest', () => {
    // Act + Assess
    expect(dedupeKey(ARN, DIGEST)).toBe(dedupeKey(ARN, DIGEST));
    expect(dedupeKey(ARN, DIGEST)).toBe(`${ARN}#${DIGEST}`);
  });

  it('differs by policy digest, and "no policy" is a key of its own', () => {
    // Act
    const keys = new Set([dedupeKey(ARN, DIGEST), dedupeKey(ARN, `sha256:${'1e'.repeat(32)}`), dedupeKey(ARN, null)]);
    // Assess
    expect(keys.size).toBe(3);
    expect(dedupeKey(ARN, null)).toBe(`${ARN}#no-policy`);
  });

  it('refuses a subject that is not an ARN and a digest of the wrong form', () => {
    // Act + Assess
    expect(() => dedupeKey('credit-risk-xgb/12', DIGEST)).toThrow(/is not an ARN/);
    expect(() => dedupeKey(ARN, 'md5:abc')).toThrow(/sha256:<64 hex> or null/);
  });
});
