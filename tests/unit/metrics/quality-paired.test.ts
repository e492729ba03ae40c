import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  createPairedBinaryAccumulator,
  createPairedMulticlassAccumulator,
  createPairedRegressionAccumulator,
  erfc,
  mcnemar,
} from '../../../src/metrics/quality/index.js';
import { poisson1, Xoshiro128 } from '../../../src/metrics/quality/prng.js';

/** A seeded LCG for test data (independent of the library's PRNG). */
const lcg = (seed: number) => () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;

describe('erfc', () => {
  // Reference values: Python's math.erfc.
  it.each([
    [0, 1.0],
    [0.1, 0.8875370839817152],
    [0.5, 0.4795001221869535],
    [1, 0.15729920705028513],
    [1.5, 0.033894853524689274],
    [2, 0.004677734981047265],
    [2.9, 4.109787809945886e-5],
    [3, 2.2090496998585438e-5],
    [3.5, 7.430983723414128e-7],
    [4, 1.541725790028002e-8],
    [5, 1.5374597944280351e-12],
    [6, 2.1519736712498916e-17],
    [-1, 1.842700792949715],
  ])('erfc(%p) matches math.erfc to 1e-14 relative', (x, want) => {
    // Act / Assess
    expect(Math.abs(erfc(x) - want)).toBeLessThanOrEqual(1e-14 * want + 1e-16);
  });
});

describe('mcnemar', () => {
  it('uses the exact binomial test for few discordant rows (hand case)', () => {
    // Act: b = 2, c = 8 → 2·P(Bin(10, ½) ≤ 2) = 2·(1 + 10 + 45)/1024.
    const r = mcnemar(2, 8, 100);
    // Assess
    expect(r.method).toBe('exact');
    expect(r.pValue).toBeCloseTo(112 / 1024, 15);
    expect(r.pValueCandidateWorse).toBeCloseTo(56 / 1024, 15);
    expect(r.accuracyDifference).toBeCloseTo(-0.06, 15);
  });

  it('uses χ² with continuity correction otherwise (hand case)', () => {
    // Act: b = 10, c = 30 → χ² = (|10 − 30| − 1)²/40 = 9.025.
    const r = mcnemar(10, 30, 200);
    // Assess (p from Python: math.erfc(math.sqrt(9.025 / 2))).
    expect(r.method).toBe('chi2');
    expect(r.statistic).toBeCloseTo(9.025, 15);
    expect(r.pValue).toBeCloseTo(0.002663119259138554, 14);
    expect(r.pValueCandidateWorse).toBeCloseTo(0.0013315596295692797, 14);
  });

  it('gives p = 1 with no discordant rows', () => {
    // Act / Assess
    expect(mcnemar(0, 0, 10)).toMatchObject({ pValue: 1, pValueCandidateWorse: 1, accuracyDifference: 0 });
  });
});

describe('Poisson(1) weights', () => {
  it('have mean 1 and variance 1', () => {
    // Prepare
    const rng = new Xoshiro128(42);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    // Act
    for (let i = 0; i < n; i++) {
      const k = poisson1(rng);
      s += k;
      s2 += k * k;
    }
    // Assess: standard errors are ~0.0022 (mean) and ~0.0050 (variance).
    const mean = s / n;
    expect(Math.abs(mean - 1)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - mean * mean - 1)).toBeLessThan(0.025);
  });
});

/** Binary data: label, a good model's scores and a worse model's scores. */
const binaryData = (n: number, seed: number) => {
  const rnd = lcg(seed);
  const label = new Float64Array(n);
  const good = new Float64Array(n);
  const bad = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const y = rnd() < 0.4 ? 1 : 0;
    label[i] = y;
    good[i] = Math.min(1, Math.max(0, (y ? 0.7 : 0.3) + (rnd() - 0.5) * 0.6));
    bad[i] = Math.min(1, Math.max(0, (y ? 0.55 : 0.45) + (rnd() - 0.5) * 0.8));
  }
  return { label, good, bad };
};

describe('paired binary comparison (online bootstrap)', () => {
  it('identical models: every replicate difference is 0, so the interval contains 0', () => {
    // Prepare
    const { label, good } = binaryData(500, 1);
    const acc = createPairedBinaryAccumulator();
    // Act
    acc.add({ length: 500, label, candidate: { score: good }, champion: { score: good } });
    const { comparison, mcnemar: m } = acc.result();
    // Assess
    for (const name of ['accuracy', 'f1', 'mcc', 'log_loss', 'brier']) {
      expect(comparison[name]).toMatchObject({ difference: 0, interval: [0, 0], worseningBound: 0, replicatesUsed: 200 });
    }
    expect(m).toMatchObject({ candidateOnlyCorrect: 0, championOnlyCorrect: 0, pValue: 1 });
  });

  it('models that trade errors evenly: the interval straddles 0', () => {
    // Prepare: the candidate flips 30 right answers to wrong and 30 wrong ones to right.
    const n = 1000;
    const { label, good } = binaryData(n, 2);
    const pred = Float64Array.from(good, (s) => (s >= 0.5 ? 1 : 0));
    const other = Float64Array.from(pred);
    let toWrong = 0;
    let toRight = 0;
    for (let i = 0; i < n; i++) {
      const right = pred[i] === label[i];
      if (right && toWrong < 30) {
        other[i] = 1 - pred[i]!;
        toWrong++;
      } else if (!right && toRight < 30) {
        other[i] = 1 - pred[i]!;
        toRight++;
      }
    }
    const acc = createPairedBinaryAccumulator({ seed: 11 });
    // Act
    acc.add({ length: n, label, candidate: { prediction: other }, champion: { prediction: pred } });
    const { comparison } = acc.result();
    // Assess
    const [lo, hi] = comparison['accuracy']!.interval!;
    expect(comparison['accuracy']!.difference).toBe(0);
    expect(lo).toBeLessThan(0);
    expect(hi).toBeGreaterThan(0);
  });

  it('a clearly worse candidate: the bound excludes 0 for a metric that goes up and one that goes down', () => {
    // Prepare
    const n = 2000;
    const { label, good, bad } = binaryData(n, 3);
    const acc = createPairedBinaryAccumulator();
    // Act
    acc.add({ length: n, label, candidate: { score: bad }, champion: { score: good } });
    const { comparison, mcnemar: m } = acc.result();
    // Assess
    expect(comparison['accuracy']!.interval![1]).toBeLessThan(0);
    expect(comparison['accuracy']!.worseningBound).toBeGreaterThan(0.05);
    expect(comparison['log_loss']!.interval![0]).toBeGreaterThan(0);
    expect(comparison['log_loss']!.greaterIsBetter).toBe(false);
    expect(m!.pValue).toBeLessThan(1e-6);
    expect(comparison['auc']).toMatchObject({ worseningBound: null, reason: expect.stringMatching(/ranking metric/) });
  });

  it('interval width agrees with the analytic standard error of a paired accuracy difference', () => {
    // Prepare
    const n = 3000;
    const { label, good, bad } = binaryData(n, 4);
    const acc = createPairedBinaryAccumulator({ replicates: 400 });
    // Act
    acc.add({ length: n, label, candidate: { score: bad }, champion: { score: good } });
    const { comparison, mcnemar: m } = acc.result();
    // Assess: Var = ((b + c) − (b − c)²/n) / n²; the 5%–95% width is 2·1.645·SE.
    const b = m!.candidateOnlyCorrect;
    const c = m!.championOnlyCorrect;
    const se = Math.sqrt(b + c - ((b - c) * (b - c)) / n) / n;
    const [lo, hi] = comparison['accuracy']!.interval!;
    expect((hi - lo) / (2 * 1.645 * se)).toBeGreaterThan(0.8);
    expect((hi - lo) / (2 * 1.645 * se)).toBeLessThan(1.2);
  });

  it('is reproducible for a seed and independent of batching (property)', () => {
    const { label, good, bad } = binaryData(120, 5);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 120 }), { maxLength: 5 }), (cuts) => {
        const bounds = [...new Set([0, ...cuts, 120])].sort((a, b) => a - b);
        const whole = createPairedBinaryAccumulator({ seed: 9, replicates: 50, scoreBins: 256 });
        const parts = createPairedBinaryAccumulator({ seed: 9, replicates: 50, scoreBins: 256 });
        whole.add({ length: 120, label, candidate: { score: bad }, champion: { score: good } });
        for (let i = 1; i < bounds.length; i++) {
          const [a, b] = [bounds[i - 1]!, bounds[i]!];
          parts.add({ length: b - a, label: label.subarray(a, b), candidate: { score: bad.subarray(a, b) }, champion: { score: good.subarray(a, b) } });
        }
        expect(parts.result()).toEqual(whole.result());
      }),
      { numRuns: 25 },
    );
  });

  it('withholds the bound when too few replicates are computable', () => {
    // Prepare: 2 positives in 60 rows: many replicates draw no positive at all.
    const label = Float64Array.from({ length: 60 }, (_, i) => (i < 1 ? 1 : 0));
    const s = Float64Array.from({ length: 60 }, (_, i) => (i < 1 ? 0.9 : 0.1));
    const acc = createPairedBinaryAccumulator();
    // Act
    acc.add({ length: 60, label, candidate: { score: s }, champion: { score: s } });
    const r = acc.result().comparison['recall']!;
    // Assess
    expect(r.worseningBound).toBeNull();
    expect(r.reason).toMatch(/computable in only \d+ of 200 bootstrap replicates/);
  });

  it('rejects a confidence outside (0.5, 1)', () => {
    // Act / Assess
    expect(() => createPairedBinaryAccumulator({ confidence: 0.3 })).toThrow(RangeError);
  });
});

describe('paired multiclass and regression comparisons', () => {
  it('multiclass: McNemar and a bootstrap bound on accuracy', () => {
    // Prepare: the candidate is right on 60%, the champion on 90%.
    const n = 1000;
    const rnd = lcg(6);
    const label = Float64Array.from({ length: n }, () => Math.floor(rnd() * 3));
    const champ = Float64Array.from(label, (y) => (rnd() < 0.9 ? y : (y + 1) % 3));
    const cand = Float64Array.from(label, (y) => (rnd() < 0.6 ? y : (y + 2) % 3));
    const acc = createPairedMulticlassAccumulator();
    // Act
    acc.add({ length: n, label, candidate: { prediction: cand }, champion: { prediction: champ } });
    const r = acc.result();
    // Assess
    expect(r.comparison['accuracy']!.worseningBound).toBeGreaterThan(0.2);
    expect(r.comparison['accuracy']!.difference).toBeCloseTo(r.candidate['accuracy']!.value! - r.champion['accuracy']!.value!, 15);
    expect(r.mcnemar!.method).toBe('chi2');
    expect(r.mcnemar!.pValueCandidateWorse).toBeLessThan(1e-6);
  });

  it('regression: a noisier candidate is worse on rmse (down) and r2 (up)', () => {
    // Prepare
    const n = 1500;
    const rnd = lcg(7);
    const label = Float64Array.from({ length: n }, () => 100 + rnd() * 50);
    const champ = Float64Array.from(label, (y) => y + (rnd() - 0.5) * 4);
    const cand = Float64Array.from(label, (y) => y + (rnd() - 0.5) * 12);
    const acc = createPairedRegressionAccumulator();
    // Act
    acc.add({ length: n, label, candidate: { prediction: cand }, champion: { prediction: champ } });
    const { comparison } = acc.result();
    // Assess
    expect(comparison['rmse']!.interval![0]).toBeGreaterThan(0);
    expect(comparison['rmse']!.worseningBound).toBeGreaterThan(0);
    expect(comparison['r2']!.interval![1]).toBeLessThan(0);
    expect(comparison['mape']!.greaterIsBetter).toBe(false);
  });

  it('regression: identical models give a zero bound on every metric', () => {
    // Prepare
    const label = Float64Array.from({ length: 200 }, (_, i) => 1e6 + i);
    const pred = Float64Array.from(label, (y, i) => y + (i % 7) - 3);
    const acc = createPairedRegressionAccumulator();
    // Act
    acc.add({ length: 200, label, candidate: { prediction: pred }, champion: { prediction: pred } });
    const { comparison } = acc.result();
    // Assess
    for (const name of ['mae', 'mse', 'rmse', 'r2', 'mape']) expect(comparison[name]).toMatchObject({ difference: 0, worseningBound: 0 });
  });
});
