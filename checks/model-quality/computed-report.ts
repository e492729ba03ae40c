/**
 * Metrics computed from a predictions dataset, in the shape of a parsed statistics report so that
 * the rules apply to both alike — plus what a report cannot say: why a metric is not computable,
 * its interval, the histogram error bound, and notes on how the numbers were obtained.
 */
import type { Finding } from '../../src/core/check.js';
import { fmt } from '../../src/core/thresholds.js';
import type { PairedComparison } from '../../src/metrics/quality/index.js';
import type { MetricTable } from '../../src/metrics/quality/index.js';
import type { QualityMetric, QualityProblemType, QualityReport } from '../../src/metrics/quality-report.js';

export interface ComputedMetric extends QualityMetric {
  /** Why the value is not computable (`value` is then NaN). */
  reason?: string;
  interval?: [number, number];
  /** |exact − value| ≤ maxError when the value comes from the score histogram. */
  maxError?: number;
}

export interface ComputedQualityReport extends QualityReport {
  metrics: Record<string, ComputedMetric>;
  /** The dataset file as messages name it: `predictions.csv`. */
  source: string;
  /** The dataset, e.g. `predictions.csv: 1000 rows, predicted class from column "prediction"`. */
  computedFrom: string;
  /** Informational findings about the computation. */
  notes: Finding[];
}

export const isComputed = (report: QualityReport): report is ComputedQualityReport => 'computedFrom' in report;

/**
 * Model Monitor's names for binary metrics the accumulator gives under METRICS.md names, so that a
 * policy written for statistics reports reads the same from predictions. `false_negative_rate` is
 * 1 − recall: its worsening equals recall's.
 */
const BINARY_ALIASES: ReadonlyArray<readonly [alias: string, base: string, complement: boolean]> = [
  ['true_positive_rate', 'recall', false],
  ['true_negative_rate', 'specificity', false],
  ['false_negative_rate', 'recall', true],
];

/** Where a computed table came from. */
export interface ComputedFrom {
  rows: number;
  source: string;
  description: string;
  notes?: Finding[];
}

/** A metric table (value or null + reason) as report metrics (value or NaN + reason). */
export const toReport = (problemType: QualityProblemType, table: MetricTable, from: ComputedFrom): ComputedQualityReport => {
  const metrics: Record<string, ComputedMetric> = Object.create(null) as Record<string, ComputedMetric>;
  for (const [name, m] of Object.entries(table)) {
    const metric: ComputedMetric = { value: m.value ?? Number.NaN, standardDeviation: null };
    if (m.value === null) metric.reason = m.reason ?? 'not computable';
    if (m.interval) metric.interval = m.interval;
    if (m.maxError !== undefined) metric.maxError = m.maxError;
    metrics[name] = metric;
  }
  if (problemType === 'binary_classification') {
    for (const [alias, base, complement] of BINARY_ALIASES) {
      const m = metrics[base];
      if (!m || Object.hasOwn(metrics, alias)) continue;
      const value = complement && !Number.isNaN(m.value) ? 1 - m.value : m.value;
      metrics[alias] = { ...m, value, ...(m.interval && complement ? { interval: [1 - m.interval[1], 1 - m.interval[0]] as [number, number] } : {}) };
    }
  }
  const histogram: Finding[] = Object.entries(metrics)
    .filter(([, m]) => m.maxError !== undefined)
    .map(([name, m]) => ({
      severity: 'info',
      message: `${name} was computed from a fixed-resolution score histogram (too many rows to keep every score): within ±${fmt(m.maxError!)} of the exact value`,
      metric: name,
    }));
  return { problemType, metrics, itemCount: from.rows, source: from.source, computedFrom: from.description, notes: [...(from.notes ?? []), ...histogram] };
};

/** The paired comparison under the alias names too (their bounds are those of the base metric). */
export const withAliasComparisons = (problemType: QualityProblemType, comparison: Record<string, PairedComparison>): Record<string, PairedComparison> => {
  if (problemType !== 'binary_classification') return comparison;
  const out = { ...comparison };
  for (const [alias, base, complement] of BINARY_ALIASES) {
    const c = comparison[base];
    if (!c || Object.hasOwn(out, alias)) continue;
    out[alias] = complement
      ? {
          ...c,
          difference: c.difference === null ? null : -c.difference,
          greaterIsBetter: !c.greaterIsBetter,
          ...(c.interval ? { interval: [-c.interval[1], -c.interval[0]] as [number, number] } : {}),
        }
      : c;
  }
  return out;
};
