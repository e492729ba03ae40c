/** The `with:` block of the model-quality check, as `config.schema.json` validates it. */
import type { Threshold } from '../../src/core/thresholds.js';
import type { QualityProblemType } from '../../src/metrics/quality-report.js';
import type { LabelValue } from './labels.js';

/** The shared threshold vocabulary, plus the direction of a metric modelgate does not know. */
export interface MetricRule extends Threshold {
  greaterIsBetter?: boolean;
  /**
   * The policy accepts that this metric may be not computable (NaN, null, ±Infinity in the report):
   * it is then reported with a warning and not counted, instead of making the check an error. An
   * infinite value beyond a bound still fails it. Default false.
   */
  allowNotComputable?: boolean;
}

/** Dataset columns, used when quality is computed from a predictions dataset. */
export interface QualityColumns {
  label?: string;
  prediction?: string;
  score?: string;
}

export interface ModelQualityConfig {
  problemType?: QualityProblemType;
  columns?: QualityColumns;
  metrics: Record<string, MetricRule>;
  applyRegisteredConstraints?: boolean;
  scoreThreshold?: number;
  /** The label value of the positive class in a predictions dataset (binary; default 1). */
  positiveLabel?: LabelValue;
  /**
   * How vsChampion rules compare when both models have predictions datasets: `paired` (a one-sided
   * bound from the paired bootstrap on the same rows) or `point` (the difference of the two values).
   * Default: paired when both have predictions and neither has a statistics report, else point.
   */
  championComparison?: 'paired' | 'point';
  /** One-sided confidence of the paired bound (default 0.95). */
  confidence?: number;
}

/** Dataset column names used when the policy names none. */
export const DEFAULT_COLUMNS = { label: 'label', prediction: 'prediction', score: 'score' } as const;
export const DEFAULT_CONFIDENCE = 0.95;

export const defaultConfig: ModelQualityConfig = { metrics: {}, applyRegisteredConstraints: false };
