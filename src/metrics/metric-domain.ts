/**
 * The domain of every metric modelgate knows: the values a correct computation can produce. A
 * value outside it is not a bad model but bad evidence (a hand-edited report, a unit mix-up, a
 * bug upstream), so a check treats it as invalid evidence — an error, never a pass or a fail.
 * One table for all checks; docs/metrics.md lists it.
 *
 * Sources: METRICS.md, SageMaker Model Monitor's model quality metrics, and SageMaker Clarify's
 * bias metric ranges (pre- and post-training bias metrics in the Clarify documentation).
 */
import { canonicalBiasMetric } from './bias/types.js';

/** A closed interval (either end may be open-ended) and whether only integers belong to it. */
export interface MetricDomain {
  /** Smallest allowed value (inclusive); absent: unbounded below. */
  min?: number;
  /** Largest allowed value (inclusive); absent: unbounded above. */
  max?: number;
  /** Only whole numbers (counts). */
  integer?: boolean;
}

const UNIT: MetricDomain = { min: 0, max: 1 };
const SIGNED_UNIT: MetricDomain = { min: -1, max: 1 };
const NON_NEGATIVE: MetricDomain = { min: 0 };
const ANY: MetricDomain = {};

/** Quality metrics by the short names of METRICS.md and Model Monitor (lower case). */
const QUALITY: ReadonlyMap<string, MetricDomain> = new Map<string, MetricDomain>([
  // probabilities and rates
  ...[
    'accuracy',
    'balanced_accuracy',
    'precision',
    'recall',
    'specificity',
    'f0_5',
    'f1',
    'f2',
    'auc',
    'roc_auc',
    'pr_auc',
    'average_precision',
    'true_positive_rate',
    'true_negative_rate',
    'tpr',
    'tnr',
    'false_positive_rate',
    'false_negative_rate',
    'fpr',
    'fnr',
    'weighted_recall',
    'weighted_precision',
    'weighted_f0_5',
    'weighted_f1',
    'weighted_f2',
    'macro_recall',
    'macro_precision',
    'macro_f1',
    'mcnemar_p',
  ].map((m) => [m, UNIT] as const),
  // Brier score of a binary classifier: the mean of (p − y)² with p, y in [0, 1].
  ['brier', UNIT],
  ['mcc', SIGNED_UNIT],
  // errors and losses
  ...['log_loss', 'mae', 'mse', 'rmse', 'mape', 'rmsle', 'msle'].map((m) => [m, NON_NEGATIVE] as const),
  // R² is 1 for a perfect fit and unbounded below (worse than predicting the mean).
  ['r2', { max: 1 }],
]);

/** Bias metrics by canonical name (METRICS.md, Clarify's documented ranges). */
const BIAS: ReadonlyMap<string, MetricDomain> = new Map<string, MetricDomain>([
  ['CI', SIGNED_UNIT],
  ['DPL', SIGNED_UNIT],
  ['KL', NON_NEGATIVE],
  // JS divergence with natural logarithms is at most ln 2.
  ['JS', { min: 0, max: Math.LN2 }],
  // The L2 distance of two probability vectors is at most √2.
  ['LP', { min: 0, max: Math.SQRT2 }],
  ['TVD', UNIT],
  ['KS', UNIT],
  ['CDDL', SIGNED_UNIT],
  ['DPPL', SIGNED_UNIT],
  // A ratio of proportions: 0 up to unbounded (Clarify writes Infinity when q̂_a = 0, which is not computable).
  ['DI', NON_NEGATIVE],
  // Differences of ratios observed/predicted positives: unbounded either way.
  ['DCAcc', ANY],
  ['DCR', ANY],
  ['RD', SIGNED_UNIT],
  ['SD', SIGNED_UNIT],
  ['DAR', SIGNED_UNIT],
  ['DRR', SIGNED_UNIT],
  ['AD', SIGNED_UNIT],
  ['CDDPL', SIGNED_UNIT],
  ['TE', ANY],
  ['FT', SIGNED_UNIT],
  ['GE', NON_NEGATIVE],
]);

/** Numbers a check derives from feature importance. */
const IMPORTANCE: ReadonlyMap<string, MetricDomain> = new Map<string, MetricDomain>([
  ['importance', NON_NEGATIVE],
  ['share', UNIT],
  ['maxShare', UNIT],
  ['rank', { min: 1, integer: true }],
  ['ndcg', UNIT],
  ['kendallTau', SIGNED_UNIT],
]);

/** Counts in a report: confusion matrix cells, item counts. */
export const COUNT_DOMAIN: MetricDomain = { min: 0, integer: true };
/** A standard deviation. */
export const STANDARD_DEVIATION_DOMAIN: MetricDomain = NON_NEGATIVE;

// Model Monitor reports a baseline for many metrics as `<metric>_best_constant_classifier`.
const BASELINE_SUFFIX = '_best_constant_classifier';

/**
 * The domain of a quality metric, `undefined` for a metric modelgate does not know (a custom
 * metric a policy vouches for with `greaterIsBetter`: any finite value).
 *
 * @example
 * ```ts
 * qualityDomain('auc');  // { min: 0, max: 1 }
 * qualityDomain('r2');   // { max: 1 }
 * ```
 */
export const qualityDomain = (metric: string): MetricDomain | undefined => {
  const name = metric.toLowerCase();
  const base = name.endsWith(BASELINE_SUFFIX) ? name.slice(0, -BASELINE_SUFFIX.length) : name;
  return QUALITY.get(base);
};

/** The domain of a bias metric (canonical name or alias such as `DCA`), `undefined` when not a bias metric. */
export const biasDomain = (metric: string): MetricDomain | undefined => {
  const canonical = canonicalBiasMetric(metric);
  return canonical === null ? undefined : BIAS.get(canonical);
};

/** The domain of a number the feature-importance check derives. */
export const importanceDomain = (metric: string): MetricDomain | undefined => IMPORTANCE.get(metric);

/** Every quality metric name with a domain, sorted (for tests and documentation). */
export const qualityDomainNames = (): string[] => [...QUALITY.keys()].sort();

const SLACK = 1e-12;

const bound = (n: number): string => (n === Math.LN2 ? 'ln 2' : n === Math.SQRT2 ? '√2' : String(n));

/**
 * The domain in interval notation: `[0, 1]`, `[0, ∞)`, `(−∞, 1]`, `non-negative integers`.
 */
export const describeDomain = (d: MetricDomain): string => {
  if (d.integer) return d.min === 0 && d.max === undefined ? 'non-negative integers' : `integers in [${d.min ?? '−∞'}, ${d.max ?? '∞'}]`;
  const lo = d.min === undefined ? '(−∞' : `[${bound(d.min)}`;
  const hi = d.max === undefined ? '∞)' : `${bound(d.max)}]`;
  return `${lo}, ${hi}`;
};

/**
 * Whether a finite `value` lies in `domain` (a domain-less metric accepts every finite value).
 * Non-finite values are never "in" a domain: they are not computable, which callers handle first.
 */
export const inDomain = (value: number, domain: MetricDomain | undefined): boolean => {
  if (!Number.isFinite(value)) return false;
  if (!domain) return true;
  // A hair of slack for bounds reached by floating-point sums (JS at ln 2, LP at √2).
  if (domain.min !== undefined && value < domain.min - SLACK * Math.max(1, Math.abs(domain.min))) return false;
  if (domain.max !== undefined && value > domain.max + SLACK * Math.max(1, Math.abs(domain.max))) return false;
  if (domain.integer && !Number.isInteger(value)) return false;
  return true;
};

/**
 * The sentence for a value outside its domain, or `null` when it is inside.
 *
 * @example
 * ```ts
 * outOfDomain('auc', 1.5, qualityDomain('auc')); // 'auc is 1.5, outside its domain [0, 1]'
 * ```
 */
export const outOfDomain = (what: string, value: number, domain: MetricDomain | undefined): string | null =>
  !domain || inDomain(value, domain) ? null : `${what} is ${value}, outside its domain ${describeDomain(domain)}`;
