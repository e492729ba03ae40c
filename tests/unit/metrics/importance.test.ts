import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ImportanceFormatError, kendallTauB, kendallTopK, ndcg, rankFeatures, readImportance, topK } from '../../../src/metrics/importance/index.js';

const m = (o: Record<string, number>) => new Map(Object.entries(o));
const clarify = (keys: Record<string, Record<string, unknown>>) => ({
  explanations: { kernel_shap: Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, { expected_value: 0.5, global_shap_values: v }])) },
});

describe('readImportance', () => {
  it('reads a Clarify report under any label key, as |value|', () => {
    // Prepare
    const doc = clarify({ target: { age: -0.3, income: 0.5 } });
    // Act
    const r = readImportance(doc);
    // Assess
    expect(r.format).toBe('clarify');
    expect(r.labelKeys).toEqual(['target']);
    expect([...r.importance]).toEqual([
      ['age', 0.3],
      ['income', 0.5],
    ]);
  });

  it('averages several label keys over the keys that report a feature', () => {
    // Prepare
    const doc = clarify({ label0: { a: 0.2, b: -0.4 }, label1: { a: 0.4, b: 0.2, c: 0.1 } });
    // Act
    const r = readImportance(doc);
    // Assess
    expect(r.labelKeys).toEqual(['label0', 'label1']);
    expect(r.importance.get('a')).toBeCloseTo(0.3, 15);
    expect(r.importance.get('b')).toBeCloseTo(0.3, 15);
    expect(r.importance.get('c')).toBe(0.1);
  });

  it('reads one label key when asked, and names the keys present when it is absent', () => {
    // Prepare
    const doc = clarify({ label0: { a: 0.2 }, label1: { a: 0.4 } });
    // Act
    const one = readImportance(doc, { labelKey: 'label1' });
    // Assess
    expect(one.importance.get('a')).toBe(0.4);
    expect(() => readImportance(doc, { labelKey: 'label7' })).toThrow(/no label key "label7" \(present: label0, label1\)/);
  });

  it('reads the plain object and list formats', () => {
    // Act
    const obj = readImportance({ a: 1, b: '-2' });
    const list = readImportance([
      { feature: 'a', importance: -1 },
      { feature: 'b', importance: 2 },
    ]);
    // Assess
    expect(obj.format).toBe('object');
    expect([...obj.importance]).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(list.format).toBe('list');
    expect([...list.importance]).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it.each([
    ['a NaN value', { a: 'NaN' }, /\$\.a: importance "NaN" is not a finite number/],
    ['an Infinity value', clarify({ label0: { a: 'Infinity' } }), /global_shap_values\.a: importance "Infinity"/],
    ['a null value', { a: null }, /importance null/],
    ['no kernel_shap', { explanations: {} }, /explanations\.kernel_shap: missing/],
    ['no global values', { explanations: { kernel_shap: { label0: {} } } }, /label0\.global_shap_values: missing/],
    ['a list item without a feature', [{ importance: 1 }], /\[0\]: expected \{ "feature"/],
    [
      'a feature listed twice',
      [
        { feature: 'a', importance: 1 },
        { feature: 'a', importance: 2 },
      ],
      /listed twice/,
    ],
    ['a number', 3, /expected a Clarify explainability report/],
  ])('rejects %s with a path', (_what, doc, message) => {
    // Act / Assess
    expect(() => readImportance(doc)).toThrow(ImportanceFormatError);
    expect(() => readImportance(doc)).toThrow(message);
  });
});

describe('rankFeatures and topK', () => {
  it('computes shares and competition ranks, ties broken by name', () => {
    // Act
    const r = rankFeatures(m({ c: 1, b: 3, a: 1 }))!;
    // Assess
    expect(r.map((x) => [x.feature, x.share, x.rank])).toEqual([
      ['b', 0.6, 1],
      ['a', 0.2, 2],
      ['c', 0.2, 2],
    ]);
    expect(topK(m({ c: 1, b: 3, a: 1 }), 2)).toEqual(['b', 'a']);
  });

  it('is not computable when the total importance is 0', () => {
    // Act / Assess
    expect(rankFeatures(m({ a: 0, b: 0 }))).toBeNull();
    expect(rankFeatures(m({}))).toBeNull();
  });

  it('shares sum to 1 and ranks never depend on document order (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 20 }), { minKeys: 1, maxKeys: 12 }), (o) => {
        const entries = Object.entries(o);
        const a = rankFeatures(new Map(entries));
        const b = rankFeatures(new Map([...entries].reverse()));
        if (a === null) return b === null;
        const sum = a.reduce((s, x) => s + x.share, 0);
        return Math.abs(sum - 1) < 1e-12 && JSON.stringify(a) === JSON.stringify(b);
      }),
    );
  });
});

describe('ndcg', () => {
  it('matches DCG over the candidate order / DCG over the champion order (hand computed)', () => {
    // Prepare: champion relevance a=3, b=2, c=1; the candidate ranks b, a, c.
    const champion = m({ a: 3, b: 2, c: 1 });
    const candidate = m({ a: 2, b: 3, c: 1 });
    const dcg = 2 / Math.log2(2) + 3 / Math.log2(3) + 1 / Math.log2(4);
    const idcg = 3 / Math.log2(2) + 2 / Math.log2(3) + 1 / Math.log2(4);
    // Act
    const r = ndcg(candidate, champion);
    // Assess
    expect(r.value).toBeCloseTo(dcg / idcg, 14);
    expect(r.value).toBeCloseTo(0.9225, 4);
  });

  it('gives tied candidate features the mean discount of their positions, whatever their names', () => {
    // Prepare: a and b tie for positions 1–2.
    const champion = m({ a: 3, b: 2, c: 1 });
    const mean = (1 / Math.log2(2) + 1 / Math.log2(3)) / 2;
    const expected = ((3 + 2) * mean + 1 / Math.log2(4)) / (3 + 2 / Math.log2(3) + 0.5);
    // Act
    const r1 = ndcg(m({ a: 1, b: 1, c: 0.5 }), champion);
    const r2 = ndcg(m({ c: 0.5, b: 1, a: 1 }), champion);
    // Assess
    expect(r1.value).toBeCloseTo(expected, 14);
    expect(r2.value).toBe(r1.value);
  });

  it('is 1 for the same ranking, counts a feature missing from the candidate as 0, and is not computable for an all-zero champion', () => {
    // Act / Assess
    expect(ndcg(m({ a: 9, b: 5, c: 1 }), m({ a: 3, b: 2, c: 1 })).value).toBeCloseTo(1, 15);
    const missing = ndcg(m({ b: 3, c: 1 }), m({ a: 3, b: 2, c: 1 }));
    const dcg = 2 / 1 + 1 / Math.log2(3) + 3 / Math.log2(4);
    expect(missing.value).toBeCloseTo(dcg / (3 + 2 / Math.log2(3) + 0.5), 14);
    expect(ndcg(m({ a: 1 }), m({ a: 0 }))).toEqual({ value: null, reason: "the champion's total importance is 0" });
  });

  it('lies in (0, 1] for any positive champion importance (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 9 })), { minLength: 1, maxLength: 10 }), (rows) => {
        const cand = new Map(rows.map(([c], i) => [`f${i}`, c]));
        const champ = new Map(rows.map(([, h], i) => [`f${i}`, h]));
        const v = ndcg(cand, champ).value!;
        return v > 0 && v <= 1 + 1e-12;
      }),
    );
  });
});

describe('kendallTauB', () => {
  it('without ties: (nc − nd) / n0', () => {
    // Act / Assess: one discordant pair of 6.
    expect(kendallTauB([1, 2, 3, 4], [1, 3, 2, 4]).value).toBeCloseTo(4 / 6, 15);
    expect(kendallTauB([1, 2, 3], [3, 2, 1]).value).toBe(-1);
  });

  it('with ties in both samples: τ-b denominator √((n0 − n1)(n0 − n2))', () => {
    // Prepare: pairs C C C tieX C tieY → nc 4, nd 0, n0 6, n1 1, n2 1.
    // Act
    const r = kendallTauB([1, 2, 2, 3], [1, 2, 3, 3]);
    // Assess
    expect(r.value).toBeCloseTo(4 / Math.sqrt(5 * 5), 15);
  });

  it('is not computable for fewer than 2 items or a fully tied side', () => {
    // Act / Assess
    expect(kendallTauB([1], [1]).value).toBeNull();
    expect(kendallTauB([1, 1, 1], [1, 2, 3])).toEqual({ value: null, reason: 'every compared feature is tied in one of the models' });
    expect(() => kendallTauB([1, 2], [1])).toThrow(RangeError);
  });

  it('compares the union of both top-K sets', () => {
    // Prepare: candidate top 2 {a, b}, champion top 2 {a, c} → union a, b, c.
    const cand = m({ a: 5, b: 4, c: 3, d: 2, e: 1 });
    const champ = m({ a: 5, c: 4, e: 3, b: 2, d: 1 });
    // Act
    const r = kendallTopK(cand, champ, 2);
    // Assess: (a,b) C, (a,c) C, (b,c) D.
    expect(r.features).toEqual(['a', 'b', 'c']);
    expect(r.value).toBeCloseTo(1 / 3, 15);
  });

  it('is symmetric and bounded in [−1, 1] (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })), { minLength: 2, maxLength: 12 }), (pairs) => {
        const x = pairs.map((p) => p[0]);
        const y = pairs.map((p) => p[1]);
        const a = kendallTauB(x, y).value;
        const b = kendallTauB(y, x).value;
        return a === b && (a === null || (a >= -1 - 1e-12 && a <= 1 + 1e-12));
      }),
    );
  });
});
