/**
 * Binary classification metrics as functions of the confusion counts. The counts may be weighted
 * (the paired bootstrap passes Poisson-weighted counts), so nothing here assumes integers.
 */
import { computable, notComputable, ratio, type MetricTable, type MetricValue } from './types.js';

export interface ConfusionCounts {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/**
 * F-beta from counts: (1+β²)·TP / ((1+β²)·TP + β²·FN + FP). The count form stays defined when
 * precision alone is undefined (no predicted positives but some actual positives: F = 0); it is
 * not computable only when there are no positives at all, predicted or actual.
 */
export const fBeta = (c: ConfusionCounts, beta: number): MetricValue => {
  const b2 = beta * beta;
  return ratio((1 + b2) * c.tp, (1 + b2) * c.tp + b2 * c.fn + c.fp, 'TP + FN + FP (no positives, actual or predicted)');
};

/** Matthews correlation; not computable when a row or column of the confusion matrix is empty. */
export const mcc = (c: ConfusionCounts): MetricValue => {
  const { tp, fp, tn, fn } = c;
  const den = Math.sqrt(tp + fp) * Math.sqrt(tp + fn) * Math.sqrt(tn + fp) * Math.sqrt(tn + fn);
  if (den === 0) return notComputable('a confusion matrix margin is 0 (no actual or no predicted positives or negatives)');
  return computable((tp * tn - fp * fn) / den);
};

/** Every threshold metric of a binary classifier, from its confusion counts. */
export const confusionMetrics = (c: ConfusionCounts): MetricTable => {
  const { tp, fp, tn, fn } = c;
  const n = tp + fp + tn + fn;
  return {
    accuracy: ratio(tp + tn, n, 'the row count'),
    precision: ratio(tp, tp + fp, 'TP + FP (no predicted positives)'),
    recall: ratio(tp, tp + fn, 'TP + FN (no actual positives)'),
    specificity: ratio(tn, tn + fp, 'TN + FP (no actual negatives)'),
    false_positive_rate: ratio(fp, tn + fp, 'TN + FP (no actual negatives)'),
    f1: fBeta(c, 1),
    f0_5: fBeta(c, 0.5),
    f2: fBeta(c, 2),
    mcc: mcc(c),
  };
};
