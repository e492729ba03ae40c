/**
 * Bias metrics (METRICS.md, "Groups", "Pre-training", "Post-training"): names, facet definitions
 * and the shape of a result. A metric that cannot be computed carries `value: null` and a reason;
 * it is never ±∞ or NaN.
 */

export const PRE_TRAINING_METRICS = ['CI', 'DPL', 'KL', 'JS', 'LP', 'TVD', 'KS', 'CDDL'] as const;
export const POST_TRAINING_METRICS = ['DPPL', 'DI', 'DCAcc', 'DCR', 'RD', 'SD', 'DAR', 'DRR', 'AD', 'CDDPL', 'TE', 'GE'] as const;
/** `FT` (flip test) needs the model itself: it is only ever read from a Clarify report. */
export const REPORT_ONLY_METRICS = ['FT'] as const;

export type PreTrainingMetric = (typeof PRE_TRAINING_METRICS)[number];
export type PostTrainingMetric = (typeof POST_TRAINING_METRICS)[number];
export type BiasMetricName = PreTrainingMetric | PostTrainingMetric | (typeof REPORT_ONLY_METRICS)[number];

export const BIAS_METRIC_NAMES: readonly BiasMetricName[] = [...PRE_TRAINING_METRICS, ...POST_TRAINING_METRICS, ...REPORT_ONLY_METRICS];

/** Other names that mean the same metric: Clarify writes `DCA` for the difference in conditional acceptance. */
export const BIAS_METRIC_ALIASES: Readonly<Record<string, BiasMetricName>> = { DCA: 'DCAcc' };

/** The canonical name of `name` (`DCA` → `DCAcc`), or `null` when it is not a bias metric. */
export const canonicalBiasMetric = (name: string): BiasMetricName | null => {
  // Own keys only: `constructor` or `__proto__` is not an alias of anything.
  if (Object.hasOwn(BIAS_METRIC_ALIASES, name)) return BIAS_METRIC_ALIASES[name]!;
  return (BIAS_METRIC_NAMES as readonly string[]).includes(name) ? (name as BiasMetricName) : null;
};

/** Metrics that come with a 95% confidence interval when computed from data. */
export const METRICS_WITH_INTERVALS: readonly BiasMetricName[] = ['DPL', 'DPPL', 'DI', 'RD', 'SD', 'DAR', 'DRR', 'AD'];

/** Metrics of the whole population (no facet): GE. */
export const POPULATION_METRICS: readonly BiasMetricName[] = ['GE'];

/** A computed value, with a 95% interval where the metric has one; or not computable, with why. */
export type BiasValue =
  | { value: number; interval?: [number, number]; notes?: string[] }
  /** `raw`: the ±Infinity a Clarify report wrote (a zero denominator), kept so a bound it lies beyond can still fail. */
  | { value: null; reason: string; raw?: number };

/** A label or facet value as a policy writes it. */
export type FacetValue = string | number | boolean;

/**
 * Which rows form the sensitive group d. Categorical: the value is one of `sensitive`. Numeric:
 * the value is **≥** `sensitiveAtLeast` (Clarify's own reports use **>** for their thresholds).
 */
export type FacetSpec = { column: string; sensitive: FacetValue[] } | { column: string; sensitiveAtLeast: number };

/**
 * Everything the metrics of one facet need, counted in one pass: rows by stratum, label value,
 * group and predicted label. Memory depends on the number of distinct labels and strata only.
 */
export interface FacetCounts {
  /** Distinct label values, in order of first appearance. */
  labels: readonly string[];
  /** Whether each label value is the positive label. */
  positive: readonly boolean[];
  /** Stratum names (values of the group column) or `null` when there is no group column. */
  strata: readonly string[] | null;
  /**
   * Row counts, index `((s * labels.length + l) * 2 + g) * 2 + p`: stratum `s` (0 without strata),
   * label value `l`, group `g` (0 = a, 1 = d), predicted positive `p` (0/1).
   */
  cells: Float64Array;
  /** Whether predicted labels were available; when not, `p` is always 0. */
  predictions: boolean;
}

/** What one group (a or d) of a facet amounts to. */
export interface GroupCounts {
  n: number;
  /** Observed positives n^(1). */
  pos: number;
  /** Predicted positives n̂^(1). */
  predPos: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}
