import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  createBinaryAccumulator,
  createMulticlassAccumulator,
  createRegressionAccumulator,
  exactRankingMetrics,
  QualityInputError,
  ScoreHistogram,
  type MetricTable,
} from '../../../src/metrics/quality/index.js';

const f64 = (xs: number[]) => Float64Array.from(xs);
const values = (t: MetricTable) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.value]));

describe('binary accumulator: hand-computed values', () => {
  // Positives score .9 .6 .4 .35, negatives .6 .3 .2 .1; threshold .5 → TP 2, FN 2, FP 1, TN 3.
  const label = f64([1, 1, 1, 1, 0, 0, 0, 0]);
  const score = f64([0.9, 0.6, 0.4, 0.35, 0.6, 0.3, 0.2, 0.1]);

  it('computes every metric of METRICS.md', () => {
    // Prepare
    const acc = createBinaryAccumulator();
    // Act
    acc.add({ length: 8, label, score });
    const r = values(acc.result());
    // Assess
    expect(acc.confusion()).toEqual({ tp: 2, fp: 1, tn: 3, fn: 2 });
    expect(r['accuracy']).toBeCloseTo(5 / 8, 15);
    expect(r['precision']).toBeCloseTo(2 / 3, 15);
    expect(r['recall']).toBeCloseTo(1 / 2, 15);
    expect(r['specificity']).toBeCloseTo(3 / 4, 15);
    expect(r['false_positive_rate']).toBeCloseTo(1 / 4, 15);
    expect(r['f1']).toBeCloseTo(4 / 7, 15); // 2·2 / (2·2 + 2 + 1)
    expect(r['f0_5']).toBeCloseTo(2.5 / 4, 15); // 1.25·2 / (1.25·2 + 0.25·2 + 1)
    expect(r['f2']).toBeCloseTo(10 / 19, 15); // 5·2 / (5·2 + 4·2 + 1)
    expect(r['mcc']).toBeCloseTo(4 / Math.sqrt(3 * 4 * 4 * 5), 15); // (2·3 − 1·2) / √(3·4·4·5)
    expect(r['auc']).toBeCloseTo(13.5 / 16, 15); // 4 + 3.5 (one tie) + 3 + 3 of 16 pairs
    expect(r['average_precision']).toBeCloseTo(0.25 * (1 + 2 / 3 + 3 / 4 + 4 / 5), 15);
    const ll = -(Math.log(0.9) + Math.log(0.6) + Math.log(0.4) + Math.log(0.35) + Math.log(0.4) + Math.log(0.7) + Math.log(0.8) + Math.log(0.9)) / 8;
    expect(r['log_loss']).toBeCloseTo(ll, 14);
    expect(r['brier']).toBeCloseTo((0.01 + 0.16 + 0.36 + 0.4225 + 0.36 + 0.09 + 0.04 + 0.01) / 8, 15);
  });

  it('gives the same AUC and AP from the histogram, with a zero error bound when bins hold one distinct score', () => {
    // Prepare
    const acc = createBinaryAccumulator({ exactMaxRows: 0 });
    // Act
    acc.add({ length: 8, label, score });
    const r = acc.result();
    // Assess
    expect(r['auc']).toEqual({ value: 13.5 / 16, maxError: 0 });
    expect(r['average_precision']?.value).toBeCloseTo(0.25 * (1 + 2 / 3 + 3 / 4 + 4 / 5), 15);
    expect(r['average_precision']?.maxError).toBe(0);
  });

  it('clips log loss at 1e-15 and uses the prediction column over the score for threshold metrics', () => {
    // Prepare: a confident mistake, and predictions that contradict the scores.
    const acc = createBinaryAccumulator();
    // Act
    acc.add({ length: 2, label: f64([1, 0]), score: f64([0, 0]), prediction: f64([0, 1]) });
    const r = values(acc.result());
    // Assess
    expect(r['log_loss']).toBeCloseTo((-Math.log(1e-15) - Math.log(1 - 1e-15)) / 2, 12);
    expect(r['accuracy']).toBe(0);
    expect(acc.confusion()).toEqual({ tp: 0, fp: 1, tn: 0, fn: 1 });
  });

  it('honours positiveLabel and threshold', () => {
    // Prepare
    const acc = createBinaryAccumulator({ positiveLabel: 2, threshold: 0.3 });
    // Act
    acc.add({ length: 4, label: f64([2, 0, 2, 0]), score: f64([0.3, 0.29, 0.1, 0.5]) });
    // Assess: 0.3 ≥ 0.3 predicts positive.
    expect(acc.confusion()).toEqual({ tp: 1, fp: 1, tn: 1, fn: 1 });
  });

  it('reports zero denominators as not computable, with the reason', () => {
    // Prepare: no actual positives, no predicted positives.
    const acc = createBinaryAccumulator();
    // Act
    acc.add({ length: 3, label: f64([0, 0, 0]), score: f64([0.1, 0.2, 0.3]) });
    const r = acc.result();
    // Assess
    expect(r['precision']).toEqual({ value: null, reason: 'TP + FP (no predicted positives) is 0' });
    expect(r['recall']?.value).toBeNull();
    expect(r['f1']?.value).toBeNull();
    expect(r['mcc']?.value).toBeNull();
    expect(r['auc']).toEqual({ value: null, reason: 'no actual positives' });
    expect(r['average_precision']?.value).toBeNull();
    expect(r['accuracy']?.value).toBe(1);
  });

  it('says score metrics need a score column, and every metric needs rows', () => {
    // Prepare
    const predictionsOnly = createBinaryAccumulator();
    predictionsOnly.add({ length: 2, label: f64([1, 0]), prediction: f64([1, 0]) });
    // Act
    const r = predictionsOnly.result();
    const empty = createBinaryAccumulator().result();
    // Assess
    expect(r['auc']).toEqual({ value: null, reason: 'no score column' });
    expect(r['accuracy']?.value).toBe(1);
    expect(empty['accuracy']).toEqual({ value: null, reason: 'no rows' });
  });

  it('rejects a NaN label, a score outside [0, 1], and batches with changing columns, naming the row', () => {
    // Prepare
    const a = createBinaryAccumulator();
    a.add({ length: 2, label: f64([1, 0]), score: f64([0.5, 0.5]) });
    // Act / Assess
    expect(() => a.add({ length: 1, label: f64([Number.NaN]), score: f64([0.5]) })).toThrow(new QualityInputError(2, 'label is missing (NaN)'));
    expect(() => createBinaryAccumulator().add({ length: 1, label: f64([1]), score: f64([1.2]) })).toThrow('row 0: score 1.2 is not a probability in [0, 1]');
    expect(() => a.add({ length: 1, label: f64([1]), prediction: f64([1]) })).toThrow(/same columns \(first batch had score, this one prediction\)/);
    expect(() => a.add({ length: 3, label: f64([1]), score: f64([1]) })).toThrow(/fewer than the batch length 3/);
  });
});

describe('multiclass accumulator: hand-computed values', () => {
  it('computes accuracy and support-weighted precision, recall and F-scores', () => {
    // Prepare: class 0 P 1/2 R 1/2; class 1 P 2/3 R 1; class 2 P 1 R 1/2; support 2 each.
    const acc = createMulticlassAccumulator();
    // Act
    acc.add({ length: 6, label: f64([0, 0, 1, 1, 2, 2]), prediction: f64([0, 1, 1, 1, 0, 2]) });
    const r = values(acc.result());
    // Assess
    const fb = (p: number, rc: number, b: number) => ((1 + b * b) * p * rc) / (b * b * p + rc);
    expect(r['accuracy']).toBeCloseTo(4 / 6, 15);
    expect(r['weighted_precision']).toBeCloseTo((0.5 + 2 / 3 + 1) / 3, 15);
    expect(r['weighted_recall']).toBeCloseTo(4 / 6, 15);
    expect(r['weighted_f1']).toBeCloseTo((fb(0.5, 0.5, 1) + fb(2 / 3, 1, 1) + fb(1, 0.5, 1)) / 3, 15);
    expect(r['weighted_f0_5']).toBeCloseTo((fb(0.5, 0.5, 0.5) + fb(2 / 3, 1, 0.5) + fb(1, 0.5, 0.5)) / 3, 15);
    expect(r['weighted_f2']).toBeCloseTo((fb(0.5, 0.5, 2) + fb(2 / 3, 1, 2) + fb(1, 0.5, 2)) / 3, 15);
  });

  it('gives a never-predicted class precision 0 and refuses too many classes', () => {
    // Prepare
    const acc = createMulticlassAccumulator({ maxClasses: 3 });
    // Act
    acc.add({ length: 2, label: f64([0, 1]), prediction: f64([0, 0]) });
    // Assess: class 0 precision 1/2 (weight 1), class 1 precision 0 (weight 1).
    expect(acc.result()['weighted_precision']?.value).toBeCloseTo(0.25, 15);
    expect(() => acc.add({ length: 2, label: f64([2, 3]), prediction: f64([2, 3]) })).toThrow(/row 3: more than 3 distinct class values/);
  });
});

describe('regression accumulator: hand-computed values', () => {
  it('computes mae, mse, rmse, r2 and mape', () => {
    // Prepare: errors .5, 0, 1, 1; ȳ = 2.5, SS_tot = 5, SSE = 2.25.
    const acc = createRegressionAccumulator();
    // Act
    acc.add({ length: 4, label: f64([1, 2, 3, 4]), prediction: f64([1.5, 2, 2, 5]) });
    const r = values(acc.result());
    // Assess
    expect(r['mae']).toBeCloseTo(0.625, 15);
    expect(r['mse']).toBeCloseTo(0.5625, 15);
    expect(r['rmse']).toBeCloseTo(0.75, 15);
    expect(r['r2']).toBeCloseTo(1 - 2.25 / 5, 15);
    expect(r['mape']).toBeCloseTo((0.5 / 1 + 0 + 1 / 3 + 1 / 4) / 4, 15);
  });

  it('says R² is not computable for a constant label, and floors the MAPE denominator at ε', () => {
    // Prepare
    const acc = createRegressionAccumulator({ mapeEpsilon: 1e-3 });
    // Act
    acc.add({ length: 3, label: f64([0, 0, 0]), prediction: f64([0.5, 0, 0]) });
    const r = acc.result();
    // Assess
    expect(r['r2']).toEqual({ value: null, reason: 'the label is constant (total sum of squares is 0)' });
    expect(r['mape']?.value).toBeCloseTo(0.5 / 1e-3 / 3, 12);
  });

  it('keeps R² accurate for labels far from zero (Welford, compensated sums)', () => {
    // Prepare: y = 1e9 + i, prediction off by ±0.5 → SSE = n/4, SS_tot = n(n²−1)/12.
    const n = 1000;
    const label = new Float64Array(n);
    const prediction = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      label[i] = 1e9 + i;
      prediction[i] = label[i]! + (i % 2 === 0 ? 0.5 : -0.5);
    }
    const acc = createRegressionAccumulator();
    // Act
    acc.add({ length: n, label, prediction });
    // Assess
    expect(acc.result()['r2']?.value).toBeCloseTo(1 - n / 4 / ((n * (n * n - 1)) / 12), 12);
  });

  it('rejects non-finite values', () => {
    // Act / Assess
    expect(() => createRegressionAccumulator().add({ length: 1, label: f64([Number.POSITIVE_INFINITY]), prediction: f64([1]) })).toThrow(QualityInputError);
  });
});

/** A seeded LCG so the random-data tests are reproducible. */
const lcg = (seed: number) => () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;

describe('score histogram vs the exact computation', () => {
  it.each([
    ['2^16 bins, continuous scores', 1 << 16, 20_000, 1],
    ['64 bins (large bound), continuous scores', 64, 5_000, 2],
    ['64 bins, scores on a 0.001 grid', 64, 5_000, 3],
  ])('%s: |histogram − exact| ≤ maxError', (_name, bins, n, seed) => {
    // Prepare
    const rnd = lcg(seed);
    const scores = new Float64Array(n);
    const positive = new Uint8Array(n);
    const h = new ScoreHistogram(bins);
    for (let i = 0; i < n; i++) {
      const y = rnd() < 0.3 ? 1 : 0;
      let s = Math.min(1, Math.max(0, (y ? 0.6 : 0.4) + (rnd() - 0.5) * 0.8));
      if (seed === 3) s = Math.round(s * 1000) / 1000;
      scores[i] = s;
      positive[i] = y;
      h.add(s, y === 1);
    }
    // Act
    const exact = exactRankingMetrics(scores, positive, n);
    const approx = h.metrics();
    // Assess
    for (const k of ['auc', 'average_precision'] as const) {
      expect(approx[k].maxError).toBeDefined();
      expect(Math.abs(approx[k].value! - exact[k].value!)).toBeLessThanOrEqual(approx[k].maxError! + 1e-12);
    }
    if (bins === 1 << 16) expect(approx.auc.maxError!).toBeLessThan(1e-3);
  });

  it('switches from exact to the histogram past exactMaxRows, and says so with maxError', () => {
    // Prepare
    const acc = createBinaryAccumulator({ exactMaxRows: 4 });
    // Act
    acc.add({ length: 4, label: f64([1, 0, 1, 0]), score: f64([0.9, 0.1, 0.8, 0.2]) });
    const exact = acc.result()['auc'];
    acc.add({ length: 1, label: f64([1]), score: f64([0.5]) });
    const approx = acc.result()['auc'];
    // Assess
    expect(exact).toEqual({ value: 1 });
    expect(approx?.value).toBe(1);
    expect(approx?.maxError).toBe(0);
  });
});

describe('chunking invariance (property)', () => {
  const splits = (n: number) => fc.array(fc.integer({ min: 0, max: n }), { maxLength: 6 }).map((cuts) => [...new Set([0, ...cuts, n])].sort((a, b) => a - b));
  const rows = fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 2 })), {
    minLength: 1,
    maxLength: 80,
  });

  it('binary and multiclass results do not depend on how rows are batched', () => {
    fc.assert(
      fc.property(
        rows.chain((r) => fc.tuple(fc.constant(r), splits(r.length))),
        fc.boolean(),
        ([data, cuts], exact) => {
          const label = f64(data.map((d) => d[0]));
          const score = f64(data.map((d) => d[1] / 1000));
          const cls = f64(data.map((d) => d[2]));
          const whole = createBinaryAccumulator({ exactMaxRows: exact ? 1000 : 0, scoreBins: 1024 });
          const parts = createBinaryAccumulator({ exactMaxRows: exact ? 1000 : 0, scoreBins: 1024 });
          const mWhole = createMulticlassAccumulator();
          const mParts = createMulticlassAccumulator();
          whole.add({ length: data.length, label, score });
          mWhole.add({ length: data.length, label: cls, prediction: label });
          for (let i = 1; i < cuts.length; i++) {
            const [a, b] = [cuts[i - 1]!, cuts[i]!];
            parts.add({ length: b - a, label: label.subarray(a, b), score: score.subarray(a, b) });
            mParts.add({ length: b - a, label: cls.subarray(a, b), prediction: label.subarray(a, b) });
          }
          expect(parts.result()).toEqual(whole.result());
          expect(mParts.result()).toEqual(mWhole.result());
        },
      ),
    );
  });

  it('regression results do not depend on how rows are batched', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: -1e6, max: 1e6, noNaN: true })), { minLength: 1, maxLength: 60 })
          .chain((r) => fc.tuple(fc.constant(r), splits(r.length))),
        ([data, cuts]) => {
          const label = f64(data.map((d) => d[0]));
          const prediction = f64(data.map((d) => d[1]));
          const whole = createRegressionAccumulator();
          const parts = createRegressionAccumulator();
          whole.add({ length: data.length, label, prediction });
          for (let i = 1; i < cuts.length; i++)
            parts.add({
              length: cuts[i]! - cuts[i - 1]!,
              label: label.subarray(cuts[i - 1]!, cuts[i]!),
              prediction: prediction.subarray(cuts[i - 1]!, cuts[i]!),
            });
          expect(parts.result()).toEqual(whole.result());
        },
      ),
    );
  });
});
