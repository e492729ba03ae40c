/**
 * ROC AUC and average precision in fixed memory: a histogram of scores over [0, 1] per class.
 *
 * Pairs of a positive and a negative in different bins are ordered exactly; pairs in the same bin
 * are counted as ties (½). So the AUC error is at most ½·Σ_b pos_b·neg_b / (P·N) over the bins
 * whose scores are not all equal, a bound computed from the histogram itself and returned with
 * the value. Each bin also records its smallest and largest score: a bin holding one distinct
 * score is exact (a true tie), so a model with few distinct scores loses nothing.
 */
import { computable, notComputable } from './types.js';
import type { RankingMetrics } from './ranking-exact.js';

/** Default resolution: 2^16 bins (4 arrays of 65 536 doubles, 2 MiB). */
export const DEFAULT_SCORE_BINS = 1 << 16;

export class ScoreHistogram {
  readonly bins: number;
  private readonly pos: Float64Array;
  private readonly neg: Float64Array;
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;

  constructor(bins = DEFAULT_SCORE_BINS) {
    if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`score histogram: bins must be a positive integer, got ${bins}`);
    this.bins = bins;
    this.pos = new Float64Array(bins);
    this.neg = new Float64Array(bins);
    this.lo = new Float64Array(bins).fill(Number.POSITIVE_INFINITY);
    this.hi = new Float64Array(bins).fill(Number.NEGATIVE_INFINITY);
  }

  /** Adds one score in [0, 1] (the caller validates the range). */
  add(score: number, positive: boolean): void {
    const b = Math.min(Math.floor(score * this.bins), this.bins - 1);
    if (positive) this.pos[b]!++;
    else this.neg[b]!++;
    if (score < this.lo[b]!) this.lo[b] = score;
    if (score > this.hi[b]!) this.hi[b] = score;
  }

  /** AUC and AP with their error bounds (`maxError`). */
  metrics(): RankingMetrics {
    const { bins, pos, neg, lo, hi } = this;
    let P = 0;
    let N = 0;
    for (let b = 0; b < bins; b++) {
      P += pos[b]!;
      N += neg[b]!;
    }
    let aucPairs = 0;
    let aucSlack = 0;
    let negBelow = 0;
    for (let b = 0; b < bins; b++) {
      const p = pos[b]!;
      const q = neg[b]!;
      if (p === 0 && q === 0) continue;
      aucPairs += p * negBelow + 0.5 * p * q;
      if (lo[b]! !== hi[b]!) aucSlack += 0.5 * p * q;
      negBelow += q;
    }

    // Descending: a bin is one threshold. Within a mixed bin the exact precision at each positive
    // lies between (TP0+1)/(TP0+1+FP0+q) (negatives first) and (TP0+p)/(TP0+p+FP0) (positives
    // first), so the bin's contribution is off by at most (p/P)·(upper − lower).
    let ap = 0;
    let apSlack = 0;
    let tp = 0;
    let fp = 0;
    for (let b = bins - 1; b >= 0; b--) {
      const p = pos[b]!;
      const q = neg[b]!;
      if (p === 0 && q === 0) continue;
      if (p > 0) {
        ap += (p / P) * ((tp + p) / (tp + p + fp + q));
        if (lo[b]! !== hi[b]!) {
          const upper = (tp + p) / (tp + p + fp);
          const lower = (tp + 1) / (tp + 1 + fp + q);
          apSlack += (p / P) * (upper - lower);
        }
      }
      tp += p;
      fp += q;
    }

    const auc =
      P === 0 || N === 0
        ? notComputable(P === 0 ? 'no actual positives' : 'no actual negatives')
        : { ...computable(aucPairs / (P * N)), maxError: aucSlack / (P * N) };
    const average_precision = P === 0 ? notComputable('no actual positives') : { ...computable(ap), maxError: apSlack };
    return { auc, average_precision };
  }
}
