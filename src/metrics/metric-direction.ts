/**
 * Which way is better for each quality metric modelgate knows. `vsChampion` rules need it: a drop
 * in `auc` is a worsening, a drop in `rmse` an improvement. Names are the short names of
 * METRICS.md and of SageMaker Model Monitor's model quality statistics.
 */

const HIGHER_IS_BETTER = [
  // binary classification (Model Monitor names and METRICS.md names)
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
  'mcc',
  'true_positive_rate',
  'true_negative_rate',
  'tpr',
  'tnr',
  // multiclass
  'weighted_recall',
  'weighted_precision',
  'weighted_f0_5',
  'weighted_f1',
  'weighted_f2',
  'macro_recall',
  'macro_precision',
  'macro_f1',
  // regression
  'r2',
] as const;

const LOWER_IS_BETTER = [
  'false_positive_rate',
  'false_negative_rate',
  'fpr',
  'fnr',
  'log_loss',
  'brier',
  'mae',
  'mse',
  'rmse',
  'mape',
  'rmsle',
  'msle',
] as const;

const DIRECTION: ReadonlyMap<string, boolean> = new Map<string, boolean>([
  ...HIGHER_IS_BETTER.map((m) => [m, true] as const),
  ...LOWER_IS_BETTER.map((m) => [m, false] as const),
]);

// Model Monitor reports a baseline for many metrics as `<metric>_best_constant_classifier`.
const BASELINE_SUFFIX = '_best_constant_classifier';

/**
 * Whether a higher value of `metric` is better; `undefined` for a metric modelgate does not know
 * (the policy must then say `greaterIsBetter` wherever the direction matters).
 *
 * @example
 * ```ts
 * greaterIsBetter('auc');  // true
 * greaterIsBetter('rmse'); // false
 * greaterIsBetter('my_business_kpi'); // undefined
 * ```
 */
export const greaterIsBetter = (metric: string): boolean | undefined => {
  const name = metric.toLowerCase();
  const base = name.endsWith(BASELINE_SUFFIX) ? name.slice(0, -BASELINE_SUFFIX.length) : name;
  return DIRECTION.get(base);
};

/** Every metric name whose direction is known, sorted (for documentation and error messages). */
export const knownQualityMetrics = (): string[] => [...DIRECTION.keys()].sort();
