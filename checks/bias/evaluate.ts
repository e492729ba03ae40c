/**
 * Holds the metric values of every slice against the configured thresholds: metric results with
 * slice, interval, threshold and verdict, and one finding per violation or gap. A value outside
 * its metric's domain is invalid evidence; a value that is not computable is never a pass.
 */
import type { Finding, MetricResult } from '../../src/core/check.js';
import { evaluateThreshold, fmt, type Threshold } from '../../src/core/thresholds.js';
import type { BiasMetricName, BiasValue } from '../../src/metrics/bias/index.js';
import { biasDomain, outOfDomain } from '../../src/metrics/metric-domain.js';
import type { BiasRule } from './config.js';

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
  /** Not computable and not accepted by the policy. */
  incomplete: string[];
  /** Not computable, and the metric's rule says `allowNotComputable: true`. */
  allowed: string[];
  /** Values outside their metric's domain: invalid evidence. */
  invalid: string[];
  evaluated: number;
}

const label = (name: string, slice: string | undefined): string => (slice ? `${name} for ${slice}` : name);

const thresholdOnly = (rule: BiasRule): Threshold => {
  const { allowNotComputable: _ignored, ...t } = rule;
  return t;
};

/** Applies `thresholds` to every slice. */
export const evaluateBias = (
  slices: readonly SliceValues[],
  thresholds: readonly [BiasMetricName, BiasRule][],
  options: { failOnlyWhenIntervalCrosses: boolean; notComputable: 'error' | 'ignore' },
): Evaluation => {
  const e: Evaluation = { metrics: [], findings: [], violations: [], incomplete: [], allowed: [], invalid: [], evaluated: 0 };
  for (const s of slices) {
    const where = s.slice ? { slice: s.slice } : {};
    for (const [name, rule] of thresholds) {
      if (!s.offers(name)) continue;
      const threshold = thresholdOnly(rule);
      const v: BiasValue = (Object.hasOwn(s.values, name) ? s.values[name] : undefined) ?? { value: null, reason: s.absent(name) };
      const base: MetricResult = { name, value: v.value, ...where, threshold };
      const what = label(name, s.slice);
      if (v.value === null) {
        const accepted = rule.allowNotComputable === true;
        // ±Infinity from a report: with the opt-in it still fails a bound it lies beyond.
        const verdict = accepted && v.raw !== undefined ? evaluateThreshold(v.raw, threshold, { greaterIsBetter: true, allowNotComputable: true }) : undefined;
        if (verdict && verdict.violations.length > 0) {
          const message = `${what} is ${v.raw! > 0 ? 'Infinity' : '-Infinity'}, ${verdict.violations.join('; ')}`;
          e.metrics.push({ ...base, reason: v.reason, passed: false });
          e.violations.push(message);
          e.findings.push({ severity: 'error', message, metric: name, ...where });
          continue;
        }
        e.metrics.push({ ...base, reason: v.reason, passed: null });
        if (accepted) {
          const message = `${what} is not computable: ${v.reason}; the policy accepts that (allowNotComputable: true), so it is not counted`;
          e.allowed.push(message);
          e.findings.push({ severity: 'warning', message, metric: name, ...where });
          continue;
        }
        e.incomplete.push(`${what} is not computable: ${v.reason}`);
        e.findings.push({
          severity: options.notComputable === 'error' ? 'error' : 'warning',
          message: `${what} is not computable: ${v.reason}`,
          metric: name,
          ...where,
        });
        continue;
      }
      const bad = outOfDomain(what, v.value, biasDomain(name));
      if (bad) {
        e.metrics.push({ ...base, reason: `invalid evidence: ${bad}`, passed: null });
        e.invalid.push(bad);
        e.findings.push({ severity: 'error', message: `invalid evidence: ${bad}`, metric: name, ...where });
        continue;
      }
      for (const note of v.notes ?? []) e.findings.push({ severity: 'warning', message: `${what}: ${note}`, metric: name, ...where });
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
        e.findings.push({ severity: 'error', message, metric: name, ...where });
      }
    }
  }
  return e;
};
