/**
 * Post-training (prediction) bias metrics of one facet, and GE of the whole population, exactly as
 * METRICS.md defines them. Each ratio with a zero denominator is not computable, with the reason.
 */
import { katzRatio, newcombe } from './intervals.js';
import { conditionalDemographicDisparity, notComputable, type GroupNames } from './pre-training.js';
import type { FacetSummary } from './summary.js';
import type { BiasValue, GroupCounts, PostTrainingMetric } from './types.js';

type FacetPostMetric = Exclude<PostTrainingMetric, 'GE'>;

/** `num/den`, or not computable naming the empty denominator. */
const rate = (num: number, den: number, why: string): number | string => (den === 0 ? why : num / den);

/** `left − right` of two rates, each possibly not computable, with a Newcombe interval when both are proportions. */
const difference = (metric: string, left: number | string, right: number | string, interval?: () => [number, number]): BiasValue => {
  if (typeof left === 'string') return notComputable(`${left}, so ${metric} is undefined`);
  if (typeof right === 'string') return notComputable(`${right}, so ${metric} is undefined`);
  return interval ? { value: left - right, interval: interval() } : { value: left - right };
};

/**
 * DPPL, DI, DCAcc, DCR, RD, SD, DAR, DRR, AD, CDDPL and TE for one facet whose groups are both
 * non-empty. Every metric is not computable when the dataset has no predicted labels.
 */
export const postTrainingMetrics = (s: FacetSummary, names: GroupNames, groupColumn: string | null): Record<FacetPostMetric, BiasValue> => {
  const keys: FacetPostMetric[] = ['DPPL', 'DI', 'DCAcc', 'DCR', 'RD', 'SD', 'DAR', 'DRR', 'AD', 'CDDPL', 'TE'];
  if (!s.predictions) {
    const why = notComputable('the dataset has no predicted labels (neither a prediction column nor a score column)');
    return Object.fromEntries(keys.map((k) => [k, why])) as Record<FacetPostMetric, BiasValue>;
  }
  const { a, d } = s;
  const neg = (g: GroupCounts): number => g.n - g.pos;
  const predNeg = (g: GroupCounts): number => g.n - g.predPos;
  const none = (what: string, group: string): string => `${group} has no ${what}`;

  const qa = a.predPos / a.n;
  const qd = d.predPos / d.n;
  const DI: BiasValue =
    a.predPos === 0
      ? notComputable(`${names.a} has no predicted positives (q̂_a = 0), so DI = q̂_d/q̂_a is undefined`)
      : { value: qd / qa, interval: katzRatio(d.predPos, d.n, a.predPos, a.n) };

  return {
    DPPL: { value: qa - qd, interval: newcombe(a.predPos, a.n, d.predPos, d.n) },
    DI,
    DCAcc: difference('DCAcc', rate(a.pos, a.predPos, none('predicted positives', names.a)), rate(d.pos, d.predPos, none('predicted positives', names.d))),
    DCR: difference('DCR', rate(neg(d), predNeg(d), none('predicted negatives', names.d)), rate(neg(a), predNeg(a), none('predicted negatives', names.a))),
    RD: difference('RD', rate(a.tp, a.tp + a.fn, none('observed positives', names.a)), rate(d.tp, d.tp + d.fn, none('observed positives', names.d)), () =>
      newcombe(a.tp, a.tp + a.fn, d.tp, d.tp + d.fn),
    ),
    SD: difference('SD', rate(d.tn, d.tn + d.fp, none('observed negatives', names.d)), rate(a.tn, a.tn + a.fp, none('observed negatives', names.a)), () =>
      newcombe(d.tn, d.tn + d.fp, a.tn, a.tn + a.fp),
    ),
    DAR: difference('DAR', rate(a.tp, a.predPos, none('predicted positives', names.a)), rate(d.tp, d.predPos, none('predicted positives', names.d)), () =>
      newcombe(a.tp, a.predPos, d.tp, d.predPos),
    ),
    DRR: difference('DRR', rate(d.tn, predNeg(d), none('predicted negatives', names.d)), rate(a.tn, predNeg(a), none('predicted negatives', names.a)), () =>
      newcombe(d.tn, predNeg(d), a.tn, predNeg(a)),
    ),
    AD: { value: (a.tp + a.tn) / a.n - (d.tp + d.tn) / d.n, interval: newcombe(a.tp + a.tn, a.n, d.tp + d.tn, d.n) },
    CDDPL: conditionalDemographicDisparity(s.strata, 'prediction', groupColumn),
    TE: difference('TE', rate(d.fn, d.fp, none('false positives', names.d)), rate(a.fn, a.fp, none('false positives', names.a))),
  };
};

/**
 * Generalized entropy (α = 2) of the whole population from its confusion counts:
 * b_i = ŷ_i − y_i + 1 ∈ {0, 1, 2}, GE = (1/(2n)) Σ[(b_i/b̄)² − 1].
 */
export const generalizedEntropy = (c: { tp: number; fp: number; tn: number; fn: number }): BiasValue => {
  const n = c.tp + c.fp + c.tn + c.fn;
  if (n === 0) return notComputable('the dataset has no rows');
  const ones = c.tp + c.tn;
  const twos = c.fp;
  const mean = (ones + 2 * twos) / n;
  if (mean === 0) return notComputable('every row is a false negative (mean benefit b̄ = 0), so GE is undefined');
  const sumSquares = (ones + 4 * twos) / (mean * mean);
  return { value: (sumSquares - n) / (2 * n) };
};
