/**
 * Shapes shared by the quality accumulators. Every metric is a typed value: a number, or `null`
 * with the reason it is not computable (a zero denominator, a constant label, no score column),
 * never ±Infinity or NaN.
 */

/** One computed quality metric. */
export interface MetricValue {
  /** `null` when not computable; `reason` then says why. */
  value: number | null;
  reason?: string;
  /** A confidence interval `[low, high]` when one was computed. */
  interval?: [number, number];
  /**
   * The largest error the approximation can have made (|exact − value| ≤ maxError), when the value
   * comes from the fixed-resolution score histogram rather than the exact computation.
   */
  maxError?: number;
}

/** Metric name → value. Names follow the SageMaker model quality report where one exists. */
export type MetricTable = Record<string, MetricValue>;

/**
 * A batch of columns for a binary classifier. `label` holds the observed label values; the
 * positive class is `positiveLabel` (default 1). At least one of `score` (probability of the
 * positive class, in [0, 1]) and `prediction` (a predicted label value) is needed.
 */
export interface BinaryBatch {
  /** Rows in this batch; the arrays may be longer (reused buffers). */
  length: number;
  label: Float64Array;
  score?: Float64Array;
  prediction?: Float64Array;
}

/** A batch for a multiclass classifier: class codes as numbers. */
export interface MulticlassBatch {
  length: number;
  label: Float64Array;
  prediction: Float64Array;
}

/** A batch for a regressor. */
export interface RegressionBatch {
  length: number;
  label: Float64Array;
  prediction: Float64Array;
}

/** What every accumulator offers. */
export interface Accumulator<B> {
  /** Folds a batch in. Memory does not grow with the rows added. */
  add(batch: B): void;
  /** The metrics over every row added so far. Pure: may be called repeatedly. */
  result(): MetricTable;
  /** Rows added so far. */
  readonly rows: number;
}

/** `{ value }` or `{ value: null, reason }`: the one way a formula reports a zero denominator. */
export const computable = (value: number): MetricValue => ({ value });
export const notComputable = (reason: string): MetricValue => ({ value: null, reason });

/** A ratio whose zero denominator makes it not computable. */
export const ratio = (num: number, den: number, what: string): MetricValue => (den === 0 ? notComputable(`${what} is 0`) : computable(num / den));
