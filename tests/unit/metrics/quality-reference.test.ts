/**
 * The accumulators against tests/reference/quality_reference.py, an independent pure-Python
 * implementation (O(n²) pair-counting AUC, math.fsum, two-pass R²). Regenerate the fixtures with
 * `python3 tests/reference/quality_reference.py`.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createBinaryAccumulator,
  createMulticlassAccumulator,
  createPairedBinaryAccumulator,
  createRegressionAccumulator,
  mcnemar,
  type MetricTable,
} from '../../../src/metrics/quality/index.js';

interface ReferenceCase {
  description: string;
  problem: 'binary' | 'multiclass' | 'regression';
  options: { threshold?: number; positiveLabel?: number };
  data: Record<string, number[]>;
  expected: Record<string, number | null>;
  mcnemar?: { b: number; c: number; method: string; pValue: number; statistic?: number };
}

const dir = join(process.cwd(), 'tests/fixtures/quality-reference');
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as ReferenceCase] as const);
const col = (c: ReferenceCase, name: string) => (c.data[name] ? Float64Array.from(c.data[name]!) : undefined);

const compute = (c: ReferenceCase, batch: number): MetricTable => {
  const label = col(c, 'label')!;
  const n = label.length;
  const slices = (arr: Float64Array | undefined, a: number, b: number) => arr?.subarray(a, b);
  if (c.problem === 'binary') {
    // Exact AUC/AP for this comparison: the reference is exact.
    const acc = createBinaryAccumulator({ ...c.options, exactMaxRows: 1_000_000 });
    for (let a = 0; a < n; a += batch) {
      const b = Math.min(n, a + batch);
      const score = slices(col(c, 'score'), a, b);
      const prediction = slices(col(c, 'prediction'), a, b);
      acc.add({ length: b - a, label: label.subarray(a, b), ...(score ? { score } : {}), ...(prediction ? { prediction } : {}) });
    }
    return acc.result();
  }
  const prediction = col(c, 'prediction')!;
  const acc = c.problem === 'multiclass' ? createMulticlassAccumulator() : createRegressionAccumulator();
  for (let a = 0; a < n; a += batch)
    acc.add({ length: Math.min(n, a + batch) - a, label: label.subarray(a, a + batch), prediction: prediction.subarray(a, a + batch) });
  return acc.result();
};

describe('quality metrics match the independent Python reference', () => {
  it('has reference fixtures for every problem type', () => {
    // Assess
    expect(new Set(cases.map(([, c]) => c.problem))).toEqual(new Set(['binary', 'multiclass', 'regression']));
  });

  it.each(cases)('%s: every metric within 1e-9', (_file, c) => {
    // Act
    const got = compute(c, 37);
    // Assess
    expect(Object.keys(got).sort()).toEqual(Object.keys(c.expected).sort());
    for (const [name, want] of Object.entries(c.expected)) {
      const v = got[name]!.value;
      if (want === null) expect(v).toBeNull();
      else expect(Math.abs(v! - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
    }
  });

  it.each(cases.filter(([, c]) => c.mcnemar))('%s: McNemar counts and p-value', (_file, c) => {
    // Prepare
    const ref = c.mcnemar!;
    const label = col(c, 'label')!;
    const candidate = c.data['prediction'] ? { prediction: col(c, 'prediction')! } : { score: col(c, 'score')! };
    const champion = c.data['championPrediction'] ? { prediction: col(c, 'championPrediction')! } : { score: col(c, 'championScore')! };
    const acc = createPairedBinaryAccumulator({ ...c.options, replicates: 20, mcnemarExactBelow: ref.method === 'exact' ? 1e9 : 25 });
    // Act
    acc.add({ length: label.length, label, candidate, champion });
    const m = acc.result().mcnemar!;
    // Assess
    expect([m.candidateOnlyCorrect, m.championOnlyCorrect, m.method]).toEqual([ref.b, ref.c, ref.method]);
    expect(Math.abs(m.pValue - ref.pValue)).toBeLessThanOrEqual(1e-9);
    if (ref.statistic !== undefined) expect(m.statistic).toBeCloseTo(ref.statistic, 12);
    expect(mcnemar(ref.b, ref.c, label.length, ref.method === 'exact' ? 1e9 : 25).pValue).toBe(m.pValue);
  });
});
