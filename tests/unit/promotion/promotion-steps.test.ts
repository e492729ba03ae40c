import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DEFAULT_TIMING, backoffSeconds, stepTokenOf, timingOf } from '../../../src/app/promotion/steps.js';
import { InvalidInputError } from '../../../src/core/errors.js';
import { promotionIdOf, runIdOfPromotion } from '../../../src/core/promotion/record.js';

describe('promotion timing', () => {
  it('doubles the wait from 15 s per poll and caps it at 60 s', () => {
    // Act
    const waits = [1, 2, 3, 4, 10].map((polls) => backoffSeconds(DEFAULT_TIMING, polls));

    // Assess
    expect(waits).toEqual([15, 30, 60, 60, 60]);
  });

  it('defaults to a 60-minute stage deadline and takes configured values over the defaults', () => {
    // Act / Assess
    expect(timingOf()).toEqual({ stageDeadlineSeconds: 3600, initialWaitSeconds: 15, maxWaitSeconds: 60 });
    expect(timingOf({ stageDeadlineSeconds: 900 })).toEqual({ stageDeadlineSeconds: 900, initialWaitSeconds: 15, maxWaitSeconds: 60 });
  });

  it('refuses a non-positive value and a cap below the first wait, naming the setting', () => {
    // Act / Assess
    expect(() => timingOf({ stageDeadlineSeconds: 0 })).toThrow(InvalidInputError);
    expect(() => timingOf({ stageDeadlineSeconds: Number.NaN })).toThrow(/stageDeadlineSeconds/);
    expect(() => timingOf({ initialWaitSeconds: 120 })).toThrow(/maxWaitSeconds/);
  });
});

describe('step tokens and promotion ids', () => {
  it('gives the same token for the same step and a different one for any other step', () => {
    // Act
    const a = stepTokenOf('promo-run-1', 'staging', 'target/0');

    // Assess
    expect(stepTokenOf('promo-run-1', 'staging', 'target/0')).toBe(a);
    expect(stepTokenOf('promo-run-1', 'staging', 'target/1')).not.toBe(a);
    expect(stepTokenOf('promo-run-2', 'staging', 'target/0')).not.toBe(a);
    expect(stepTokenOf('promo-run-1', 'production', 'target/0')).not.toBe(a);
  });

  it('always fits client-token and resource-name limits, whatever the stage is called', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), fc.nat(20), (stage, promotionId, i) => {
        const token = stepTokenOf(promotionId, stage, `target/${i}`);
        expect(token).toMatch(/^mg-[a-z0-9-]*-?[0-9a-f]{12}$/);
        expect(token.length).toBeLessThanOrEqual(36);
      }),
    );
  });

  it('maps a run to its promotion id and back', () => {
    // Act / Assess
    expect(promotionIdOf('run-01jn8jc080abcdefghjk')).toBe('promo-run-01jn8jc080abcdefghjk');
    expect(runIdOfPromotion('promo-run-01jn8jc080abcdefghjk')).toBe('run-01jn8jc080abcdefghjk');
    expect(runIdOfPromotion('run-01jn8jc080abcdefghjk')).toBeNull();
    expect(runIdOfPromotion('promo-')).toBeNull();
  });
});
