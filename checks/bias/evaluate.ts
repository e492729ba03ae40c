/**
 * Holds the metric values of every slice against the configured thresholds: metric results with
 * slice, interval, threshold and verdict, and one finding per violation or gap.
 */
import type { Finding, MetricResult } from '../../src/core/check.js';
import { evaluateThreshold, fmt, type Threshold } from '../../src/core/thresholds.js';
import type { BiasMetricName, BiasValue } from '../../src/metrics/bias/index.js';

/** The values of one slice (a facet, or the whole population when `slice` is undefined). */
export interface SliceValues {
  slice?: string;
  /** Which metric names this slice answers for (others are skipped, not missing). */
  offers: (name: BiasMetricName) => boolean;
  /** A metric this slice offers but has no value for: why. */
  absent: (name: BiasMetricName) => string;
  values: Partial<Record<BiasMetricName, BiasValue>>;
}

export interface Evaluation {
  metrics: MetricResult[];
  findings: Finding[];
  violations: string[];
  incomplete: string[];
  evaluated: number;
}

const label = (name: string, slice: string | undefined): string => (slice ? `${name} for ${slice}` : name);

/** Applies `thresholds` to every slice. */
export const evaluateBias = (
  slices: readonly SliceValues[],
  thresholds: readonly [BiasMetricName, Threshold][],
  options: { failOnlyWhenIntervalCrosses: boolean; notComputable: 'error' | 'ignore' },
): Evaluation => {
  const e: Evaluation = { metrics: [], findings: [], violations: [], incomplete: [], evaluated: 0 };
  for (const s of slices) {
    for (const [name, threshold] of thresholds) {
      if (!s.offers(name)) continue;
      const v: BiasValue = s.values[name] ?? { value: null, reason: s.absent(name) };
      const base: MetricResult = { name, value: v.value, ...(s.slice ? { slice: s.slice } : {}), threshold };
      const what = label(name, s.slice);
      if (v.value === null) {
        e.metrics.push({ ...base, reason: v.reason, passed: null });
        e.incomplete.push(`${what} is not computable: ${v.reason}`);
        e.findings.push({ severity: options.notComputable === 'error' ? 'error' : 'warning', message: `${what} is not computable: ${v.reason}`, metric: name, ...(s.slice ? { slice: s.slice } : {}) });
        continue;
      }
      const verdict = evaluateThreshold(v.value, threshold, {
        greaterIsBetter: true,
        ...(v.interval ? { interval: v.interval } : {}),
        failOnlyWhenIntervalCrosses: options.failOnlyWhenIntervalCrosses,
      });
      e.metrics.push({ ...base, ...(v.interval ? { interval: v.interval } : {}), passed: verdict.passed });
      if (verdict.passed !== null) e.evaluated++;
      if (verdict.violations.length > 0) {
        const ci = v.interval && !options.failOnlyWhenIntervalCrosses ? ` (95% CI ${fmt(v.interval[0])}..${fmt(v.interval[1])})` : '';
        const message = `${what} is ${fmt(v.value)}, ${verdict.violations.join('; ')}${ci}`;
        e.violations.push(message);
        e.findings.push({ severity: 'error', message, metric: name, ...(s.slice ? { slice: s.slice } : {}) });
      }
    }
  }
  return e;
};
