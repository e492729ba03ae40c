/**
 * Exact ROC AUC and average precision from a buffer of scores, O(n log n). Used for inputs small
 * enough to keep, and as the yardstick the histogram approximation is tested against.
 */
import { computable, notComputable, type MetricValue } from './types.js';

export interface RankingMetrics {
  auc: MetricValue;
  average_precision: MetricValue;
}

/**
 * ROC AUC as the Mann–Whitney probability P(score⁺ > score⁻) + ½·P(score⁺ = score⁻), and
 * average precision as Σ_k (R_k − R_{k−1})·P_k over the distinct score thresholds in descending
 * order (tied scores form one threshold; no interpolation).
 */
export const exactRankingMetrics = (scores: Float64Array, positive: Uint8Array, n: number): RankingMetrics => {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0;
  for (let i = 0; i < n; i++) pos += positive[i]!;
  const neg = n - pos;

  // Ascending pass: each positive beats every negative in a lower tie group, ties count ½.
  let aucPairs = 0;
  let negBelow = 0;
  for (let i = 0; i < n;) {
    const s = scores[order[i]!]!;
    let p = 0;
    let q = 0;
    for (; i < n && scores[order[i]!]! === s; i++) {
      if (positive[order[i]!]! === 1) p++;
      else q++;
    }
    aucPairs += p * negBelow + 0.5 * p * q;
    negBelow += q;
  }

  // Descending pass over tie groups for the precision–recall steps.
  let ap = 0;
  let tp = 0;
  let fp = 0;
  for (let i = n - 1; i >= 0;) {
    const s = scores[order[i]!]!;
    let p = 0;
    let q = 0;
    for (; i >= 0 && scores[order[i]!]! === s; i--) {
      if (positive[order[i]!]! === 1) p++;
      else q++;
    }
    tp += p;
    fp += q;
    if (p > 0) ap += (p / pos) * (tp / (tp + fp));
  }

  return {
    auc: pos === 0 || neg === 0 ? notComputable(pos === 0 ? 'no actual positives' : 'no actual negatives') : computable(aucPairs / (pos * neg)),
    average_precision: pos === 0 ? notComputable('no actual positives') : computable(ap),
  };
};
