/**
 * Ranking stability against the champion by nDCG (METRICS.md; the definition SageMaker Model
 * Monitor uses for feature attribution drift): with the champion's importance a(f) as relevance,
 * DCG = Σ_i a(f′_i) / log₂(i + 1) over the candidate's order f′, normalised by the same sum over
 * the champion's own order (the ideal DCG).
 *
 * Features: the union of both documents; a feature one model does not report has importance 0 in
 * it. Ties in the candidate's order share the mean discount of the positions they span (the
 * tie-aware DCG of McSherry & Najork, 2008): the result depends only on the numbers, never on
 * feature names or document order.
 */
import type { MetricOutcome } from './types.js';

const discountSum = (from: number, to: number): number => {
  let s = 0;
  for (let i = from; i <= to; i++) s += 1 / Math.log2(i + 1);
  return s;
};

export const ndcg = (candidate: ReadonlyMap<string, number>, champion: ReadonlyMap<string, number>): MetricOutcome => {
  const features = [...new Set([...candidate.keys(), ...champion.keys()])];
  const rel = (f: string): number => champion.get(f) ?? 0;
  const ideal = features.map(rel).sort((a, b) => b - a);
  let idcg = 0;
  ideal.forEach((a, i) => (idcg += a / Math.log2(i + 2)));
  if (!(idcg > 0)) return { value: null, reason: "the champion's total importance is 0" };

  const order = features.map((f) => ({ imp: candidate.get(f) ?? 0, rel: rel(f) })).sort((x, y) => y.imp - x.imp);
  let dcg = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    let relSum = 0;
    while (j < order.length && order[j]!.imp === order[i]!.imp) relSum += order[j++]!.rel;
    // Positions i+1..j (1-based) are tied: each gets the mean discount over them.
    dcg += (relSum * discountSum(i + 1, j)) / (j - i);
    i = j;
  }
  return { value: dcg / idcg };
};
